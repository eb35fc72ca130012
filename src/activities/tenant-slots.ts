// A per-organization cap on the OpenAI requests this worker has in flight, so one tenant's burst cannot take
// every activity slot and starve the others. An activity that finds its organization at the cap gives its
// slot back at once (a retryable `OrganizationBusy` failure with a short delay) instead of waiting in it.
// Such a try is no OpenAI try: it neither moves the user/system prompt alternation nor spends the retry window.
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { FailureType } from '../temporal/failure-types.js';

/** Busy tries per analysis run (workflow run + kind), subtracted from the attempt number; bounded, best effort. */
const busyTries = new Map<string, number>();
const MAX_TRACKED_RUNS = 10_000;

export function createTenantSlots(limitPerOrganization: number) {
  const inUse = new Map<string, number>();
  return {
    /** Takes a slot of the organization or throws `OrganizationBusy`; the returned function gives it back. */
    acquire(organizationId: string, runKey: string): () => void {
      const used = inUse.get(organizationId) ?? 0;
      if (used >= limitPerOrganization) {
        busyTries.set(runKey, (busyTries.get(runKey) ?? 0) + 1);
        while (busyTries.size > MAX_TRACKED_RUNS) busyTries.delete(busyTries.keys().next().value!);
        throw ApplicationFailure.create({
          type: FailureType.OrganizationBusy,
          message: `The organization already has ${limitPerOrganization} OpenAI requests running on this worker`,
          nonRetryable: false,
          nextRetryDelay: 500 + Math.floor(Math.random() * 1500),
          // Waiting for a slot is normal under a burst: logged at debug level, not counted as a failure.
          category: ApplicationFailureCategory.BENIGN,
        });
      }
      inUse.set(organizationId, used + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (inUse.get(organizationId) ?? 1) - 1;
        if (left > 0) inUse.set(organizationId, left);
        else inUse.delete(organizationId);
      };
    },
    /** How many requests of the organization are in flight (tests, metrics). */
    inFlight(organizationId: string): number {
      return inUse.get(organizationId) ?? 0;
    },
  };
}

export type TenantSlots = ReturnType<typeof createTenantSlots>;

/** The attempt number counting only real OpenAI tries (what the prompt alternation and backoff go by). */
export function openAIAttempt(runKey: string, attempt: number): number {
  return Math.max(1, attempt - (busyTries.get(runKey) ?? 0));
}

export function forgetBusyTries(runKey: string): void {
  busyTries.delete(runKey);
}
