// Dates as UK readers see them, in letters, mails and pages. Only Intl: small enough for every
// bundle. Each formatter is built on its first use and kept (shared/once.ts): the first one a process
// builds costs about 13 ms of CPU, which a function that formats no date should not pay at import.
import { once } from './once.js';

/**
 * An Intl date format built on its first use and kept (every formatter of the dates, the months and
 * the pages is one). At module scope, mark the call pure, as shared/once.ts says.
 */
export const dateFormat = (
  locale: string,
  options: Intl.DateTimeFormatOptions,
): (() => Intl.DateTimeFormat) => once(() => new Intl.DateTimeFormat(locale, options));

const ukDateTimeFormat = /* @__PURE__ */ dateFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});

// A calendar day (an approval's review date) has no zone: it is read as UTC midnight and shown in
// UTC, so it never moves to the day before or after.
const longDateFormat = /* @__PURE__ */ dateFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

// en-CA writes YYYY-MM-DD.
const ukDayFormat = /* @__PURE__ */ dateFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * The UK calendar day of an instant as an ISO date (en-CA writes YYYY-MM-DD): 00:30 BST on 1 June
 * (23:30 UTC on 31 May) is 2026-06-01. Review dates and register days are compared with it.
 */
export const ukDay = (at: Date | string): string => ukDayFormat().format(new Date(at));

/** `2026-06` for any instant in June 2026, UK time: 00:30 BST on 1 June belongs to June. */
export const ukMonth = (at: Date | string): string => ukDay(at).slice(0, 7);

/** "5:00pm on Tuesday 15 December 2026": UK local time, GMT or BST as the date falls. */
export function formatUkDateTime(iso: string): string {
  const parts = new Map(
    ukDateTimeFormat()
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.get(type) ?? '';
  return `${part('hour')}:${part('minute')}${part('dayPeriod').toLowerCase()} on ${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** "1 December 2027" for the ISO day 2027-12-01. */
export function formatUkLongDate(isoDay: string): string {
  return longDateFormat().format(new Date(`${isoDay}T00:00:00Z`));
}
