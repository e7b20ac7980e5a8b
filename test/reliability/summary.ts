// One summary line per reliability area (issue 15). Each suite calls reportSoak once with its
// counts; `npm run soak` prints the collected lines at the end. Quick form (npm test): the suites
// run bounded and still report; long form: DPIA_SOAK=1.
import { appendFileSync } from 'node:fs';

/** True in `npm run soak` (the long form); false in `npm test` (the bounded quick form). */
export const SOAK = process.env.DPIA_SOAK === '1';

/** Picks the quick or the long figure for a bounded loop. */
export const soakSize = (quick: number, long: number): number => (SOAK ? long : quick);

/**
 * Records an area's counts, e.g. reportSoak('crash safety', { restarts: 20, lost: 0, doubled: 0 }).
 * Written as one JSON line to $DPIA_SOAK_SUMMARY when set (the soak runner reads it), and printed.
 */
export function reportSoak(area: string, counts: Record<string, number>): void {
  const line = JSON.stringify({ area, ...counts });
  const file = process.env.DPIA_SOAK_SUMMARY;
  if (file) appendFileSync(file, `${line}\n`);
  process.stdout.write(
    `soak ${area}: ${Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}\n`,
  );
}
