// Stage durations kept as histograms of whole days, so a month's median is read from one small
// item instead of from every proposal. Pure maths: no I/O, unit-tested on its own.

/** The last bucket is open-ended: a stage of a year or longer counts as `MAX_DAY_BUCKET` days. */
export const MAX_DAY_BUCKET = 365;

const DAY_MS = 86_400_000;

/**
 * Whole days from `from` to `to`, rounded down: 0 is "under a day", 1 is "one day but under two".
 * A negative span (clocks disagreeing by a moment) is 0; a year or more is the last bucket.
 */
export function dayBucket(from: string, to: string): number | null {
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms)) return null;
  return Math.min(MAX_DAY_BUCKET, Math.max(0, Math.floor(ms / DAY_MS)));
}

/** Day bucket to how many durations fell in it. */
export type DayHistogram = Map<number, number>;

export function mergeHistograms(histograms: Iterable<DayHistogram>): DayHistogram {
  const out: DayHistogram = new Map();
  for (const histogram of histograms) {
    for (const [day, count] of histogram) out.set(day, (out.get(day) ?? 0) + count);
  }
  return out;
}

export const histogramTotal = (histogram: DayHistogram): number =>
  [...histogram.values()].reduce((sum, n) => sum + n, 0);

/**
 * The median in whole-day buckets: list every duration as its bucket, sorted; the middle one (odd
 * count) or the mean of the two middle ones (even count, so it may end in .5). Exact for the
 * buckets, so within a day of the true median. Null when there is nothing to take a median of.
 */
export function medianDays(histogram: DayHistogram): number | null {
  const total = histogramTotal(histogram);
  if (total === 0) return null;
  const lowIndex = Math.floor((total - 1) / 2);
  const highIndex = Math.ceil((total - 1) / 2);
  let low: number | undefined;
  let seen = 0;
  for (const day of [...histogram.keys()].sort((a, b) => a - b)) {
    const count = histogram.get(day) ?? 0;
    if (count <= 0) continue;
    seen += count;
    if (low === undefined && seen > lowIndex) low = day;
    if (seen > highIndex) return ((low ?? day) + day) / 2;
  }
  return null;
}
