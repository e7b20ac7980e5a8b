// GET /decisions (auditor): decisions newest first, filtered by date and outcome, cursor-paged;
// JSON by default, CSV with `format=csv` or `Accept: text/csv`.
import { requireRole } from '../shared/auth.js';
import { ValidationError } from '../shared/errors.js';
import { csv, type HttpEvent, type HttpResult, header, httpHandler, json } from '../shared/http.js';
import { decisionListQuery, decisionsCsv } from './list.js';
import { listDecisions } from './store.js';

export { decisionListQuery, decisionsCsv };

export const handler = httpHandler(async (event: HttpEvent): Promise<HttpResult> => {
  requireRole(event, ['auditor']);
  const parsed = decisionListQuery().safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { format, ...query } = parsed.data;
  const page = await listDecisions(query);
  const wantsCsv =
    format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(header(event, 'accept') ?? ''));
  if (!wantsCsv) return json(200, page);
  return csv(
    200,
    decisionsCsv(page.items),
    'decisions.csv',
    page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {},
  );
});
