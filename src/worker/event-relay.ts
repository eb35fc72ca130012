// The outbox relay: hands new event deliveries to their delivery workflows. Facts are recorded inside the
// transactions that store them (src/domain/events/record-event.ts), where no workflow can be started safely (the
// transaction may still roll back, and a start after the commit can be lost to a crash). So every worker polls
// for rows no workflow has been told about, signal-with-starts their stream's workflow, then marks them; a crash
// between the two only repeats a signal, which the workflow shrugs off. A Temporal schedule cannot run every
// second, and test workers run none, hence a loop in the worker process.
//
// Once a minute it also heals: a stream whose oldest pending delivery is long overdue has lost its workflow (it
// was terminated, or its signal never came) and is handed over again; and endpoints that have failed everything
// for 5 days are disabled even when nothing new is being sent to them.
import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { disableFailingEndpoints } from '../domain/events/disable.js';
import type { Logger } from '../observability/logger.js';
import { signalEventDelivery } from '../temporal/starters.js';

const BATCH = 500;
const OVERDUE = "interval '2 minutes'";

export interface EventRelay {
  /** One pass now (tests and benchmarks); resolves with the number of rows handed over. */
  dispatch(): Promise<number>;
  stop(): Promise<void>;
}

async function dispatchOnce(em: EntityManager, client: Client, config: Config): Promise<number> {
  return em.transactional(async (tx) => {
    const rows = await tx.execute<{ id: string; organization_id: string; endpoint_id: string; stream: string }[]>(
      `select id, organization_id, endpoint_id, stream from event_deliveries
        where dispatched_at is null and status = 'pending'
        order by seq limit ${BATCH} for update skip locked`,
    );
    if (rows.length === 0) return 0;
    const streams = new Map<string, { organizationId: string; endpointId: string; stream: string }>();
    for (const row of rows) {
      streams.set(`${row.endpoint_id}:${row.stream}`, {
        organizationId: row.organization_id,
        endpointId: row.endpoint_id,
        stream: row.stream,
      });
    }
    // A failed signal rolls the marks back: the rows are handed over on a later pass.
    await Promise.all([...streams.values()].map((stream) => signalEventDelivery(client, config, stream)));
    await tx.execute(
      'update event_deliveries set dispatched_at = now() where id = any(?::uuid[])',
      // A PostgreSQL array literal: the driver would spread a JavaScript array into a list of parameters.
      [`{${rows.map((row) => row.id).join(',')}}`],
      'run',
    );
    return rows.length;
  });
}

async function healOnce(em: EntityManager): Promise<void> {
  await em.execute(
    `update event_deliveries d set dispatched_at = null
      where d.status = 'pending' and d.dispatched_at < now() - ${OVERDUE} and d.next_attempt_at < now() - ${OVERDUE}
        and not exists (select 1 from event_deliveries e
                         where e.endpoint_id = d.endpoint_id and e.stream = d.stream and e.status = 'pending'
                           and e.seq < d.seq)`,
    [],
    'run',
  );
  await em.transactional((tx) => disableFailingEndpoints(tx));
}

export function startEventRelay(input: {
  orm: Orm;
  client: Client;
  config: Config;
  logger: Logger;
  intervalMs?: number;
  healEveryMs?: number;
}): EventRelay {
  const intervalMs = input.intervalMs ?? 1000;
  const healEveryMs = input.healEveryMs ?? 60_000;
  let stopped = false;
  let lastHeal = 0;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let failing = false;

  const dispatch = () => dispatchOnce(input.orm.em.fork(), input.client, input.config);

  async function pass() {
    try {
      while ((await dispatch()) === BATCH && !stopped) {
        // A full batch: more are waiting.
      }
      if (Date.now() - lastHeal >= healEveryMs) {
        lastHeal = Date.now();
        await healOnce(input.orm.em.fork());
      }
      if (failing) input.logger.info('event relay recovered');
      failing = false;
    } catch (error) {
      // PostgreSQL or Temporal away: logged once per outage, tried again on the next tick.
      if (!failing) input.logger.warn(`event relay: ${(error as Error).message}; retrying`);
      failing = true;
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    dispatch,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
