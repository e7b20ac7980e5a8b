// What every benchmark hands back: one row of the table per figure, the goal it is held to, and
// the correctness checks that `--quick` (and the bench-quick test) require to hold.

export interface BenchCheck {
  name: string;
  ok: boolean;
  /** What was seen, when it is worth printing (always when the check fails). */
  detail?: string;
}

export interface BenchResult {
  name: string;
  figure: number;
  unit: string;
  detail: string;
  /** The goal in words, e.g. `<= 1.5x floor`; absent for figures that only inform. */
  goal?: string;
  /** Whether the figure meets the goal; null when there is no goal or it was not measured. */
  pass?: boolean | null;
  checks?: BenchCheck[];
  /** Anything else worth keeping in results.json (not printed). */
  data?: Record<string, unknown>;
}

export interface BenchOptions {
  quick: boolean;
}

/** A figure held to an upper bound: the goal in words (`<= 1.2`, `<= 3000 ms`) and whether it holds. */
export const atMost = (
  figure: number,
  bound: number,
  unit = '',
): Pick<BenchResult, 'figure' | 'goal' | 'pass'> => ({
  figure,
  // A ratio's x is written against its number (<= 2x), any other unit after a space (<= 90 s).
  goal: `<= ${bound}${unit === 'x' ? 'x' : unit ? ` ${unit}` : ''}`,
  pass: figure <= bound,
});

export const check = (name: string, ok: boolean, detail?: string): BenchCheck =>
  detail === undefined ? { name, ok } : { name, ok, detail };

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const ratio = (value: number): string => `${value.toFixed(2)}x`;
