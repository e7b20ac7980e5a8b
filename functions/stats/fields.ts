// The attributes of a month's counter item (PK=STATS, SK=MONTH#<yyyy-mm>): written by counters.ts,
// read by figures.ts. Flat, top-level numbers, because ADD creates a missing top-level attribute
// but cannot reach into a map that does not exist yet.
import type { STANCES } from '../shared/model/stances.js';

/** How a proposal's lifecycle ended (or paused, for an expiry) in a month. */
export const ENDINGS = ['approved', 'rejected', 'expired', 'withdrawn'] as const;
export type Ending = (typeof ENDINGS)[number];

/** The part of `rejected` the system decided (insufficient pressing need, nobody consulted). */
export const REJECTED_INSUFFICIENT = 'rejectedInsufficient';

/** Consultations whose letters went out in the month. */
export const CONSULTATIONS_MAILED = 'consultationsMailed';
/** Consultations closed in the month, the consultees they mailed and those who responded in time. */
export const CLOSED = 'consultationsClosed';
export const MAILED = 'consulteesMailed';
export const RESPONDED = 'consulteesResponded';
/** Counted replies by stance at the close (late and unaccepted replies are not in the tally). */
export const tallyField = (stance: (typeof STANCES)[number]): string => `stance_${stance}`;

/** The stages whose length is kept, each as a histogram of whole days. */
export const STAGES = ['scoringToMailed', 'mailedToClosed', 'closedToDecision'] as const;
export type Stage = (typeof STAGES)[number];
export const histogramField = (stage: Stage, day: number): string => `days_${stage}_${day}`;
/** `days_<stage>_<day>` back to its stage and day. */
export function parseHistogramField(name: string): { stage: Stage; day: number } | undefined {
  const match = /^days_([A-Za-z]+)_(\d{1,3})$/.exec(name);
  const stage = STAGES.find((s) => s === match?.[1]);
  return stage ? { stage, day: Number(match?.[2]) } : undefined;
}
