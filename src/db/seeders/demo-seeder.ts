// Demo data for a fresh `npm start`: one organization, an admin and a sales rep, and a few leads.
// Idempotent: does nothing when the demo admin already exists.
import type { EntityManager } from '@mikro-orm/core';
import { Seeder } from '@mikro-orm/seeder';
import { Organization } from '../../domain/accounts/organization.entity.js';
import { User } from '../../domain/accounts/user.entity.js';
import { Lead, type LeadStatus } from '../../domain/leads/lead.entity.js';
import { hashPassword } from '../../domain/accounts/password.js';
import { newWebhookSecret } from '../../domain/accounts/webhook-secret.js';

export const DEMO_ADMIN_EMAIL = 'admin@demo.callsense.local';
export const DEMO_REP_EMAIL = 'rep@demo.callsense.local';
export const DEMO_PASSWORD = 'demo-password';

export class DemoSeeder extends Seeder {
  async run(em: EntityManager): Promise<void> {
    if (await em.count(User, { email: DEMO_ADMIN_EMAIL }, { filters: false })) return;
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const org = em.create(Organization, { name: 'Demo Co', webhookSecret: newWebhookSecret() });
    em.create(User, {
      organization: org.id,
      email: DEMO_ADMIN_EMAIL,
      passwordHash,
      role: 'admin',
      firstName: 'Dana',
      lastName: 'Admin',
    });
    const rep = em.create(User, {
      organization: org.id,
      email: DEMO_REP_EMAIL,
      passwordHash,
      role: 'user',
      firstName: 'Sam',
      lastName: 'Rep',
    });
    const leads: [string, string, LeadStatus][] = [
      ['crm-1001', 'Ada Lovelace', 'NEW'],
      ['crm-1002', 'Grace Hopper', 'QUALIFIED'],
      ['crm-1003', 'Alan Turing', 'WON'],
      ['crm-1004', 'Edsger Dijkstra', 'LOST'],
    ];
    for (const [externalId, name, status] of leads) {
      em.create(Lead, { organization: org.id, externalId, name, status, assignedTo: rep.id });
    }
    await em.flush();
  }
}
