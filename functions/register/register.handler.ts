// GET /register, /register.csv and /register.json: the public camera register (SPEC 11). No
// sign-in, no cookies; every answer is cacheable. The page is for people (errors as pages), the CSV
// and the JSON for programs (errors as the JSON of every API error). The public edition of each
// listed DPIA (GET /register/{reference}/dpia) is the public-dpia function's (dpia.handler.ts).
import { NotFoundError } from '../shared/errors.js';
import { csv, type HttpEvent, type HttpResult, html, httpHandler, json } from '../shared/http.js';
import { CAMERA_TYPES } from '../shared/model/proposal-terms.js';
import { renderPage } from '../shared/templates.js';
import { dateFormat } from '../shared/uk-dates.js';
import { cacheable } from './cache.js';
import { CAMERA_USE } from './entry.js';
import { asPage } from './page.js';
import { parseRegisterQuery, publicBase, type RegisterQuery, registerHref } from './public.js';
import { CAMERA_TYPE_NAMES, type RegisterRow, registerCsv, registerRow } from './rows.js';
import { listRegister } from './store.js';

const ROUTES: Record<string, (event: HttpEvent) => Promise<HttpResult>> = {
  'GET /register': (event) => asPage(() => registerPage(event)),
  'GET /register.json': registerJson,
  'GET /register.csv': registerCsvAnswer,
};

export const handler = httpHandler(async (event) => {
  const route = ROUTES[event.routeKey];
  if (!route) throw new NotFoundError(`No such register route: ${event.routeKey}.`);
  return route(event);
});

async function registerJson(event: HttpEvent): Promise<HttpResult> {
  const query = parseRegisterQuery(event);
  const page = await listRegister(query);
  const items = page.items.map((entry) => registerRow(entry, publicBase()));
  return cacheable(event, json(200, { items, nextCursor: page.nextCursor }));
}

async function registerCsvAnswer(event: HttpEvent): Promise<HttpResult> {
  const query = parseRegisterQuery(event);
  const page = await listRegister(query);
  const rows = page.items.map((entry) => registerRow(entry, publicBase()));
  // A CSV has no room for the cursor: it travels in headers, as GET /decisions does.
  const next = page.nextCursor
    ? {
        'x-next-cursor': page.nextCursor,
        link: `<${publicBase()}${registerHref('/register.csv', query, { cursor: page.nextCursor })}>; rel="next"`,
      }
    : {};
  return cacheable(event, csv(200, registerCsv(rows), 'camera-register.csv', next));
}

async function registerPage(event: HttpEvent): Promise<HttpResult> {
  const query = parseRegisterQuery(event);
  const page = await listRegister(query);
  const rows = page.items.map((entry) => registerRow(entry));
  return cacheable(event, html(200, renderPage('register', registerView(query, rows, page.nextCursor))));
}

/** What templates/pages/register.html shows: the rows grouped under their camera type. */
export function registerView(query: RegisterQuery, rows: readonly RegisterRow[], nextCursor: string | null) {
  const groups: { type: RegisterRow['cameraType']; rows: RegisterRow[] }[] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last?.type === row.cameraType) last.rows.push(row);
    else groups.push({ type: row.cameraType, rows: [row] });
  }
  const filters = [
    query.type ? CAMERA_TYPE_NAMES[query.type] : null,
    query.area ? `in ${query.area}` : null,
  ].filter((f): f is string => f !== null);
  const firstHref = query.cursor ? registerHref('/register', query) : null;
  const nextHref = nextCursor ? registerHref('/register', query, { cursor: nextCursor }) : null;
  return {
    area: query.area ?? '',
    typeOptions: [
      { value: '', label: 'All camera types', selected: !query.type },
      ...CAMERA_TYPES.map((t) => ({ value: t, label: CAMERA_TYPE_NAMES[t], selected: query.type === t })),
    ],
    filtered: filters.length > 0 ? { summary: `Showing: ${filters.join(' ')}` } : null,
    empty: rows.length === 0,
    csvHref: registerHref('/register.csv', query, { cursor: query.cursor ?? null }),
    jsonHref: registerHref('/register.json', query, { cursor: query.cursor ?? null }),
    groups: groups.map((group) => ({
      id: `type-${group.type.toLowerCase()}`,
      heading: CAMERA_TYPE_NAMES[group.type],
      use: CAMERA_USE[group.type],
      rows: group.rows.map((row) => ({
        ...row,
        // The heading above already says what this type of camera does: the row says why here.
        purposeHere: withoutPrefix(row.purpose, CAMERA_USE[group.type]),
        approvedOnText: shortDate(row.approvedOn),
        lastReviewText: shortDate(row.lastReview),
        nextReviewText: row.nextReview ? shortDate(row.nextReview) : null,
        dpiaHref: row.dpiaUrl,
      })),
    })),
    paged: firstHref || nextHref ? { firstHref, nextHref } : null,
  };
}

// "25 Sept 2024": three dates a row fit the table; the full date is in each <time datetime>.
const shortDateFormat = /* @__PURE__ */ dateFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const shortDate = (isoDay: string): string => shortDateFormat().format(new Date(`${isoDay}T00:00:00Z`));

const withoutPrefix = (text: string, prefix: string): string =>
  text.startsWith(prefix) && text.length > prefix.length ? text.slice(prefix.length).trim() : text;
