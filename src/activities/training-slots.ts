// A cap on the trainings this worker runs at once. A training holds one pooled PostgreSQL connection for
// its whole transaction, and a query that waits too long for a connection fails; so the weekly run may
// have more children in flight than the pool has connections, and the trainings beyond the cap wait here,
// in arrival order, instead of in the pool.

export interface TrainingSlots {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Connections left to the API and the other activities sharing the pool. */
const RESERVED_CONNECTIONS = 2;

export function trainingSlotsFor(poolMax: number | undefined): number {
  return Math.max(1, (poolMax ?? 10) - RESERVED_CONNECTIONS);
}

export function createTrainingSlots(limit: number): TrainingSlots {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < limit) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over as is
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}
