// Signals and queries of the workflows, shared with the code that sends them (src/temporal/starters.ts).
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** A call of the lead was analysed (again): fold it into the complete analysis. */
export const callAnalyzedSignal = defineSignal<[{ callRowId: string }]>('callAnalyzed');

export interface LeadState {
  pending: number;
  folds: number;
  /** Consecutive failed folds; the workflow retries them itself with backoff. */
  failingFolds: number;
}
export const leadStateQuery = defineQuery<LeadState>('leadState');

export interface ReanalysisProgress {
  total: number;
  done: number;
  failed: number;
}
export const reanalysisProgressQuery = defineQuery<ReanalysisProgress>('reanalysisProgress');
