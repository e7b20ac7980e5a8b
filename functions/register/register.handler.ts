// GET /register, /register.csv, /register.json and /register/{reference}/dpia: the public camera
// register (SPEC 11) and the public edition of each listed DPIA. No sign-in, no cookies; every
// answer is cacheable. The page and the document are for people (errors as pages), the CSV and
// the JSON for programs (errors as the JSON of every API error).
import { loadDpiaSources, renderDpia } from '../dpia/document.js';
import { AppError, NotFoundError } from '../shared/errors.js';
import { csv, type HttpEvent, type HttpResult, html, httpHandler, json } from '../shared/http.js';
import { CAMERA_TYPES } from '../shared/model/proposal-terms.js';
import { once } from '../shared/once.js';
import { renderPage } from '../shared/templates.js';
import { CAMERA_USE } from './entry.js';
import { cacheable, parseRegisterQuery, publicBase, type RegisterQuery, registerHref } from './public.js';
import { CAMERA_TYPE_NAMES, type RegisterRow, registerCsv, registerRow } from './rows.js';
import { findRegisterEntry, listRegister } from './store.js';

const REFERENCE = /^DPIA-\d{4}-\d{4,}$/;

const ROUTES: Record<string, (event: HttpEvent) => Promise<HttpResult>> = {
  'GET /register': (event) => asPage(() => registerPage(event)),
  'GET /register.json': registerJson,
  'GET /register.csv': registerCsvAnswer,
  'GET /register/{reference}/dpia': (event) => asPage(() => publicDpia(event)),
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
const shortDateFormat = /* @__PURE__ */ once(
  () =>
    new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }),
);
const shortDate = (isoDay: string): string => shortDateFormat().format(new Date(`${isoDay}T00:00:00Z`));

const withoutPrefix = (text: string, prefix: string): string =>
  text.startsWith(prefix) && text.length > prefix.length ? text.slice(prefix.length).trim() : text;

/**
 * The public edition of a DPIA, only for a proposal on the register (approved): anything else,
 * an unknown reference included, is the same 404, so the route tells nobody what else exists.
 */
async function publicDpia(event: HttpEvent): Promise<HttpResult> {
  const reference = event.pathParameters?.reference ?? '';
  const notListed = new NotFoundError(`${reference.slice(0, 40) || 'That'} is not on the camera register.`);
  if (!REFERENCE.test(reference)) throw notListed;
  const entry = await findRegisterEntry(reference);
  if (!entry) throw notListed;
  const sources = await loadDpiaSources(entry.proposalId).catch((error: unknown) => {
    throw error instanceof NotFoundError ? notListed : error;
  });
  if (sources.proposal.status !== 'approved' || sources.decision?.outcome !== 'approved') throw notListed;
  return cacheable(event, html(200, renderDpia(sources, 'public').html));
}

const ERROR_HEADINGS: Record<number, string> = {
  400: 'Something is wrong with this address',
  404: 'Not on the register',
};

/** A person's request: a refusal is a page (never cached), not JSON. */
async function asPage(answer: () => Promise<HttpResult>): Promise<HttpResult> {
  try {
    return await answer();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return html(
      error.status,
      renderPage('register-error', {
        status: error.status,
        heading: ERROR_HEADINGS[error.status] ?? 'This request cannot be completed',
        message: error.message,
      }),
    );
  }
}
