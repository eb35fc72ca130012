// The Temporal Runtime's messages come out of pino as JSON with the API's field names.
import t from 'tap';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { PinoTemporalLogger, idsOfWorkflowId } from '../../src/observability/logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

t.test('workflow and activity messages carry organizationId and the call or lead id', async (t) => {
  const { lines, logger } = capture();
  const temporal = new PinoTemporalLogger(logger);
  const organizationId = randomUUID();
  temporal.warn('running a later prompt of the resolution line', {
    workflowId: `call:${organizationId}:provider-call-7`,
    reason: 'definite',
    taskToken: 'opaque',
    error: new Error('model gpt-x not found'),
    [Symbol('timestamp')]: 1n,
  });
  temporal.debug('below the level', { workflowId: `call:${organizationId}:x` });
  temporal.log('INFO', 'complete analysis updated', { workflowId: `lead:${organizationId}:${organizationId}` });

  t.equal(lines.length, 2, 'the level filters');
  const [fallback, fold] = lines;
  t.match(fallback, {
    level: 40,
    msg: 'running a later prompt of the resolution line',
    organizationId,
    callId: 'provider-call-7',
    reason: 'definite',
  });
  t.match(fallback?.err, { message: 'model gpt-x not found' });
  t.notOk('taskToken' in fallback!, 'no opaque task token');
  t.match(fold, { level: 30, organizationId, leadId: organizationId });
});

t.test('workflow ids without a tenant add nothing', async (t) => {
  t.same(idsOfWorkflowId('lead-scoring-weekly'), {});
  t.same(idsOfWorkflowId(undefined), {});
  const organizationId = randomUUID();
  t.same(idsOfWorkflowId(`scoring:${organizationId}:user:2026-11-22`), { organizationId });
});
