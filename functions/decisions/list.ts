// The decision list's query and its CSV, apart from the handler (list.handler.ts), so that the web
// pages (functions/web/decisions.ts) bundle them without the API handler (issue 17).
import { stringify } from 'csv-stringify/sync';
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import { isoDate, isoDateTime } from '../shared/model/iso.js';
import { Outcome } from '../shared/model/outcome.js';
import { pageCursor, pageLimit } from '../shared/model/paging.js';
import { once } from '../shared/once.js';

const DAY_MS = 86_400_000;
const DATE_HINT = 'Use an ISO date (2026-12-01) or date-time with a time zone (2026-12-01T09:00:00Z)';

/**
 * The query of GET /decisions and of the auditor's decision list page, built on first use (shared/
 * once.ts): the web-decisions function serves pages that never read it, and building the schema at
 * import was part of every cold start.
 */
export const decisionListQuery = /* @__PURE__ */ once(() => {
  const dateOrDateTime = z.union([isoDate(), isoDateTime({ offset: true })], { error: DATE_HINT });
  return z
    .strictObject({
      from: z.optional(dateOrDateTime),
      to: z.optional(dateOrDateTime),
      outcome: z.optional(Outcome),
      limit: pageLimit(),
      cursor: pageCursor(),
      format: z.optional(z.enum(['json', 'csv'])),
    })
    .check(
      z.superRefine((q, ctx) => {
        if (!q.from || !q.to) return;
        // A date alone as `to` takes in the whole of that day.
        const toEnd = /^\d{4}-\d{2}-\d{2}$/.test(q.to) ? Date.parse(q.to) + DAY_MS - 1 : Date.parse(q.to);
        if (Date.parse(q.from) > toEnd)
          ctx.addIssue({
            code: 'custom',
            path: ['from'],
            message: 'The start date must not be after the end date',
          });
      }),
    );
});

/** The flat CSV columns, in order: every field of the record, nested ones spelled out. */
const CSV_COLUMNS: [string, (d: DecisionRecord) => string | number | null | undefined][] = [
  ['sequence', (d) => d.sequence],
  ['decisionId', (d) => d.decisionId],
  ['proposalId', (d) => d.proposalId],
  ['reference', (d) => d.reference],
  ['outcome', (d) => d.outcome],
  ['decidedBy', (d) => d.decidedBy],
  ['decidedAt', (d) => d.decidedAt],
  ['reviewDate', (d) => d.reviewDate],
  ['rationale', (d) => d.rationale],
  ['conditions', (d) => d.conditions],
  ['score', (d) => d.pressingNeed?.score],
  ['band', (d) => d.pressingNeed?.band],
  ['policyVersion', (d) => d.pressingNeed?.policyVersion],
  ['mailed', (d) => d.consultation?.mailed],
  ['responded', (d) => d.consultation?.responded],
  ['late', (d) => d.consultation?.late],
  ['support', (d) => d.consultation?.tally?.support],
  ['concerns', (d) => d.consultation?.tally?.concerns],
  ['object', (d) => d.consultation?.tally?.object],
  ['unclassified', (d) => d.consultation?.tally?.unclassified],
  ['prevHash', (d) => d.prevHash],
  ['hash', (d) => d.hash],
];

export function decisionsCsv(items: DecisionRecord[]): string {
  return stringify(
    items.map((d) => CSV_COLUMNS.map(([, value]) => value(d) ?? '')),
    // A cell starting = + - @ tab or CR gets a leading apostrophe: an exported rationale never runs
    // as a spreadsheet formula on an auditor's machine (issue 21).
    { header: true, columns: CSV_COLUMNS.map(([name]) => name), escape_formulas: true },
  );
}
