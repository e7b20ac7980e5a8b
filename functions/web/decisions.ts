// The auditor's pages: decisions with filters, the CSV of what is filtered, one decision with its
// place in the hash chain, and the chain verified end to end.
import { verifyDecisionChain } from '../audit/verify.js';
import { decisionListQuery, decisionsCsv } from '../decisions/list.js';
import { getDecision, listDecisions, readAnchor } from '../decisions/store.js';
import { ValidationError } from '../shared/errors.js';
import { csv, type HttpResult } from '../shared/http.js';
import { decisionIdFor } from '../shared/keys.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import type { CameraType } from '../shared/model/proposal-terms.js';
import { CAMERA_TYPES } from '../shared/model/proposal-terms.js';
import { findProposal, type ProposalRecord } from '../shared/store/proposals.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import { layout, type PageRequest, page, requireSession } from './page.js';

const PAGE_SIZE = 25;
const CSV_PAGE = 200;
/** The CSV holds at most this many decisions; narrow the dates for more. */
const CSV_MAX = 10_000;

const encode = (id: string) => encodeURIComponent(id);

interface Filters {
  from?: string;
  to?: string;
  outcome?: 'approved' | 'rejected';
  cameraType?: CameraType;
  publicArea?: string;
}

/** The query's filters; the date and outcome rules are the JSON API's (decisionListQuery). */
function readFilters(query: Record<string, string | undefined>): {
  filters: Filters;
  issues: ValidationError['issues'];
} {
  const value = (name: string) => {
    const v = query[name]?.trim();
    return v ? v : undefined;
  };
  const checked = decisionListQuery().safeParse({
    ...(value('from') ? { from: value('from') } : {}),
    ...(value('to') ? { to: value('to') } : {}),
    ...(value('outcome') ? { outcome: value('outcome') } : {}),
  });
  const issues = checked.success ? [] : ValidationError.fromZod(checked.error).issues;
  const cameraType = value('cameraType');
  if (cameraType && !(CAMERA_TYPES as readonly string[]).includes(cameraType)) {
    issues.push({ path: 'cameraType', message: 'Choose a camera type from the list' });
  }
  const filters: Filters = {
    ...(checked.success && checked.data.from ? { from: checked.data.from } : {}),
    ...(checked.success && checked.data.to ? { to: checked.data.to } : {}),
    ...(checked.success && checked.data.outcome ? { outcome: checked.data.outcome } : {}),
    ...(cameraType && issues.every((i) => i.path !== 'cameraType')
      ? { cameraType: cameraType as CameraType }
      : {}),
    ...(value('publicArea') ? { publicArea: value('publicArea') as string } : {}),
  };
  return { filters, issues };
}

/**
 * One page from the by-date index, then camera type and public area (not on the decision record)
 * from each decision's proposal, in memory. A filtered page can therefore hold fewer rows.
 */
async function decisionsPage(filters: Filters, limit: number, cursor: string | undefined) {
  const result = await listDecisions({
    limit,
    from: filters.from,
    to: filters.to,
    outcome: filters.outcome,
    cursor,
  });
  const proposals = new Map<string, ProposalRecord | undefined>();
  await Promise.all(
    [...new Set(result.items.map((d) => d.proposalId))].map(async (id) =>
      proposals.set(id, await findProposal(id)),
    ),
  );
  const area = filters.publicArea?.toLowerCase();
  const rows = result.items
    .map((decision) => ({ decision, proposal: proposals.get(decision.proposalId) }))
    .filter(
      ({ proposal }) =>
        (!filters.cameraType || proposal?.input.cameraType === filters.cameraType) &&
        (!area || (proposal?.input.publicArea.toLowerCase().includes(area) ?? false)),
    );
  return { rows, nextCursor: result.nextCursor };
}

const filterQuery = (filters: Filters, extra: Record<string, string> = {}) =>
  new URLSearchParams({ ...(filters as Record<string, string>), ...extra }).toString();

/** GET /app/decisions */
export async function decisionsList(request: PageRequest) {
  const signedIn = await requireSession(request, ['auditor']);
  const query = request.event.queryStringParameters ?? {};
  const { filters, issues } = readFilters(query);
  const base = {
    ...layout(signedIn, '/app/decisions'),
    values: {
      from: query.from ?? '',
      to: query.to ?? '',
      publicArea: query.publicArea ?? '',
    },
    outcomes: ['approved', 'rejected'].map((o) => ({ value: o, label: o, selected: query.outcome === o })),
    cameraTypes: CAMERA_TYPES.map((t) => ({ value: t, selected: query.cameraType === t })),
    errors: issues.map((i) => ({ field: i.path, message: `${i.path}: ${i.message}` })),
    hasErrors: issues.length > 0,
  };
  if (issues.length > 0) return page(400, 'app-decisions', { ...base, items: [], hasItems: false });
  const { rows, nextCursor } = await decisionsPage(filters, PAGE_SIZE, query.cursor || undefined);
  return page(200, 'app-decisions', {
    ...base,
    items: rows.map(({ decision, proposal }) => ({
      href: `/app/decisions/${encode(decision.decisionId)}`,
      decisionId: decision.decisionId,
      sequence: decision.sequence,
      reference: decision.reference,
      title: proposal?.input.title ?? '',
      cameraType: proposal?.input.cameraType ?? '',
      publicArea: proposal?.input.publicArea ?? '',
      outcome: decision.outcome,
      decidedAt: formatUkDateTime(decision.decidedAt),
      decidedBy: decision.decidedBy,
      score: decision.pressingNeed.score,
    })),
    hasItems: rows.length > 0,
    next: nextCursor ? `/app/decisions?${filterQuery(filters, { cursor: nextCursor })}` : null,
    csvHref: `/app/decisions/export?${filterQuery(filters)}`,
  });
}

/** GET /app/decisions/export: every filtered decision as CSV (the JSON API's columns). */
export async function decisionsExport(request: PageRequest): Promise<HttpResult> {
  await requireSession(request, ['auditor']);
  const { filters, issues } = readFilters(request.event.queryStringParameters ?? {});
  if (issues.length > 0) throw new ValidationError(issues);
  const all: DecisionRecord[] = [];
  let cursor: string | undefined;
  do {
    const { rows, nextCursor } = await decisionsPage(filters, CSV_PAGE, cursor);
    all.push(...rows.map((r) => r.decision));
    cursor = nextCursor ?? undefined;
  } while (cursor && all.length < CSV_MAX);
  return csv(200, decisionsCsv(all.slice(0, CSV_MAX)), 'decisions.csv', {
    'x-content-type-options': 'nosniff',
  });
}

/** GET /app/decisions/{decisionId} */
export async function decisionPage(request: PageRequest) {
  const signedIn = await requireSession(request, ['auditor']);
  const { pathParameters } = request.event;
  const decision = await getDecision(pathParameters?.decisionId ?? '');
  const [proposal, anchor] = await Promise.all([findProposal(decision.proposalId), readAnchor()]);
  return page(200, 'app-decision', {
    ...layout(signedIn, ''),
    ...decision,
    outcomeLabel: decision.outcome === 'approved' ? 'Approved' : 'Rejected',
    decidedAtText: formatUkDateTime(decision.decidedAt),
    title: proposal?.input.title ?? '',
    proposalHref: `/app/proposals/${encode(decision.proposalId)}`,
    previous:
      decision.sequence > 1
        ? {
            href: `/app/decisions/${decisionIdFor(decision.sequence - 1)}`,
            id: decisionIdFor(decision.sequence - 1),
          }
        : null,
    genesis: decision.sequence === 1,
    dpoAdvice: decision.dpoAdvice ?? null,
    // Issue 21: published, so a reader can later check that the chain still reaches it.
    head: anchor ? { sequence: anchor.sequence, hash: anchor.hash } : null,
  });
}

/** GET /app/audit/verify: re-checks every link of the chain now. */
export async function verifyPage(request: PageRequest) {
  const signedIn = await requireSession(request, ['auditor']);
  const report = await verifyDecisionChain();
  return page(200, 'app-verify', {
    ...layout(signedIn, '/app/audit/verify'),
    ok: report.ok,
    checked: report.checked,
    broken: report.ok
      ? null
      : {
          id: report.firstBroken,
          reason: report.reason,
          href: `/app/decisions/${encode(report.firstBroken)}`,
        },
    at: formatUkDateTime(request.now.toISOString()),
    // Published so a reader can note it and compare later: a chain cut short or rewritten no longer reaches it.
    head: report.head,
  });
}
