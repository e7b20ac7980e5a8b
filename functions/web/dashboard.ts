// GET /app/dashboard: the auditor's figures for the last months (managers see them too: they are
// counts, with no personal data, and the overdue reviews are theirs to arrange). Read from the
// month counters and one bounded index query (functions/stats/), never from the decisions.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { ValidationError } from '../shared/errors.js';
import { ukDay } from '../shared/uk-dates.js';
import { readMonths, readOverdueReviews } from '../stats/figures.js';
import { recentMonths } from '../stats/months.js';
import { dashboardView } from './dashboard-view.js';
import { layout, type PageRequest, page, requireSession } from './page.js';

export const DEFAULT_MONTHS = 12;
export const MAX_MONTHS = 36;
const MONTHS_HINT = `months must be a whole number from 1 to ${MAX_MONTHS}`;

export const DashboardQuery = z.object({
  months: z._default(
    z.coerce
      .number({ error: MONTHS_HINT })
      .check(z.int(MONTHS_HINT), z.gte(1, MONTHS_HINT), z.lte(MAX_MONTHS, MONTHS_HINT)),
    DEFAULT_MONTHS,
  ),
});

export async function dashboardPage(request: PageRequest) {
  const signedIn = await requireSession(request, ['auditor', 'manager']);
  const raw = request.event.queryStringParameters?.months?.trim();
  const parsed = DashboardQuery.safeParse(raw ? { months: raw } : {});
  const base = { ...layout(signedIn, '/app/dashboard'), monthsValue: raw ?? String(DEFAULT_MONTHS) };
  if (!parsed.success) {
    const issues = ValidationError.fromZod(parsed.error).issues;
    return page(400, 'app-dashboard', {
      ...base,
      hasErrors: true,
      errors: issues.map((i) => ({ message: i.message })),
    });
  }
  const months = recentMonths(request.now, parsed.data.months);
  const today = ukDay(request.now);
  const [figures, overdue] = await Promise.all([readMonths(months), readOverdueReviews(today)]);
  return page(200, 'app-dashboard', {
    ...base,
    monthsValue: String(parsed.data.months),
    dashboard: dashboardView({ months: figures, overdue, today }),
  });
}
