// The consultation's limits, apart from the proposal schema so that reading a setting
// (functions/shared/env.ts, in every function) does not bring the schema into every bundle.

/**
 * The longest consultation a proposal may set (its response deadline from the day it is opened).
 * With the DPO's and the approver's windows (at most 90 days each, close.ts) the whole lifecycle
 * stays inside Step Functions' one-year limit on a Standard execution.
 */
export const MAX_CONSULTATION_DAYS = 180;

/** Issue 20: the shortest consultation a deployment allows (DPIA_MIN_CONSULTATION_DAYS, default 14). */
export const DEFAULT_MIN_CONSULTATION_DAYS = 14;
