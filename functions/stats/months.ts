// Calendar months as a UK reader counts them: an event at 00:30 on 1 June BST (23:30 UTC on
// 31 May) belongs to June. Months are `yyyy-mm` strings, which sort as they read.
import { dateFormat, ukMonth } from '../shared/uk-dates.js';

const monthLabelFormat = /* @__PURE__ */ dateFormat('en-GB', {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const monthShortFormat = /* @__PURE__ */ dateFormat('en-GB', { month: 'short', timeZone: 'UTC' });

/** The `count` months ending with the month of `now`, oldest first. */
export function recentMonths(now: Date, count: number): string[] {
  const [year, month] = ukMonth(now).split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const index = year * 12 + (month - 1) - back;
    out.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

/** "Jun 2026" */
export const monthLabel = (month: string): string =>
  monthLabelFormat().format(new Date(`${month}-01T00:00:00Z`));
/** "Jun", for a chart's axis. */
export const monthShort = (month: string): string =>
  monthShortFormat().format(new Date(`${month}-01T00:00:00Z`));
