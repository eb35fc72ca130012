// Changes that the audit trail records beyond accounts and prompts: lead status changes (they become scoring labels)
// and AI preference changes (they fill prompt variables).
import t from 'tap';
import { startStack } from '../support/harness.js';
import { as, deliverCall } from '../support/api.js';
import { callPayload, createTenant } from '../support/calls.js';
import { Lead } from '../../src/domain/leads/lead.entity.js';

interface AuditItem {
  action: string;
  actor: { id: string; email: string } | null;
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
}

t.test('lead status changes and preference changes are audited', async (t) => {
  const stack = await startStack(t, { worker: false });
  const tenant = await createTenant(stack);
  const audit = async (action: string) =>
    ((await as(stack.app, tenant.admin).get('/admin/audit?limit=100')).json().items as AuditItem[]).filter(
      (item) => item.action === action,
    );

  const payload = callPayload(tenant.rep.user.id);
  t.equal((await deliverCall(stack.app, tenant.organizationId, tenant.secret, payload)).statusCode, 202);
  const lead = await tenant.em().findOneOrFail(Lead, { externalId: payload.lead.externalId });
  const rep = as(stack.app, tenant.rep);
  t.equal((await rep.patch(`/leads/${lead.id}`, { status: 'WON' })).statusCode, 200);
  t.equal((await rep.patch(`/leads/${lead.id}`, { status: 'WON' })).statusCode, 200, 'the same status again');
  const statusChanges = await audit('lead.status_changed');
  t.equal(statusChanges.length, 1, 'one entry: the repeat changed nothing');
  t.match(statusChanges[0], {
    actor: { id: tenant.rep.user.id, email: tenant.rep.user.email },
    target: { type: 'lead', id: lead.id },
    details: { from: 'NEW', to: 'WON' },
  });

  const long = 'x'.repeat(1000);
  const saved = await rep.put('/ai/preferences', { chatbotTone: 'friendly', customInstructions: long });
  t.equal(saved.statusCode, 200);
  t.equal((await rep.put('/ai/preferences', { chatbotTone: 'friendly' })).statusCode, 200, 'nothing changes');
  const preferenceChanges = await audit('preferences.changed');
  t.equal(preferenceChanges.length, 1);
  const [entry] = preferenceChanges;
  t.match(entry, {
    actor: { id: tenant.rep.user.id },
    target: { type: 'user', id: tenant.rep.user.id },
    details: { changes: { chatbotTone: { to: 'friendly' }, customInstructions: { from: null } } },
  });
  const instructions = (entry!.details.changes as Record<string, { to: string }>).customInstructions!.to;
  t.ok(instructions.length < 300, 'a long text is cut in the entry');
  t.notOk('autoSuggestActions' in (entry!.details.changes as object), 'only what changed');
});
