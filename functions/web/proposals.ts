// The proposal pages: the list (managers and auditors), the "new proposal" form and the withdraw
// confirmation (managers), and one proposal's page. Each calls the same use case as the JSON API.
import { needInWords } from '../consultation/letter.js';
import { loadDpiaSources } from '../dpia/document.js';
import { parseEdition } from '../dpia/edition.js';
import { documentAnswer } from '../dpia/serve.js';
import { ASSESSMENT_OPEN } from '../proposals/assessment.js';
import { createProposal } from '../proposals/create.js';
import { proposalDetail } from '../proposals/detail.js';
import { evidencePack } from '../proposals/evidence.js';
import { recordIcoConsultation } from '../proposals/ico.js';
import { WITHDRAWABLE } from '../proposals/withdraw.js';
import { reissueReviewLink } from '../review/reissue.js';
import { minConsultationDays } from '../shared/env.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { type HttpResult, pathParameter } from '../shared/http.js';
import { deliver } from '../shared/large-body.js';
import { IcoConsultationInput } from '../shared/model/governance.js';
import {
  DPO_RECOMMENDATION_LABELS,
  ICO_OUTCOME_LABELS,
  ICO_OUTCOMES,
} from '../shared/model/governance-terms.js';
import { checkProposalToOpen } from '../shared/model/proposal.js';
import { riskInWords } from '../shared/model/risk.js';
import { STANCE_LABELS } from '../shared/model/stances.js';
import { deleteDraft, findDraft, listDrafts, saveDraft } from '../shared/store/drafts.js';
import {
  findProposal,
  getProposal,
  listProposals,
  PROPOSAL_STATUSES,
  type ProposalStatus,
  STATUS_LABELS,
} from '../shared/store/proposals.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';
import { assessmentSummary, trackedConditions } from './assessment-summary.js';
import { lifecycleDiagram } from './diagram.js';
import { layout, type PageRequest, page, readVerifiedForm, redirect, requireSession } from './page.js';
import { DEFAULT_ROWS, formFromInput, parseProposalForm, proposalFormView } from './proposal-form.js';
import { mayTriage, triageRows } from './triage.js';

const PAGE_SIZE = 20;
/** Seconds between reloads when the reader turns automatic refresh on. */
const REFRESH_SECONDS = 15;

const encode = (id: string) => encodeURIComponent(id);

/** GET /app/proposals?status=&cursor= */
export async function proposalsList(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager', 'auditor']);
  const query = request.event.queryStringParameters ?? {};
  const status = (PROPOSAL_STATUSES as readonly string[]).includes(query.status ?? '')
    ? (query.status as ProposalStatus)
    : undefined;
  const result = await listProposals({
    limit: PAGE_SIZE,
    ...(status ? { status } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  const next = result.nextCursor
    ? `/app/proposals?${new URLSearchParams({ ...(status ? { status } : {}), cursor: result.nextCursor })}`
    : null;
  // Issue 20: a manager's own drafts, above the list.
  const drafts = signedIn.session.role === 'manager' ? await listDrafts(signedIn.session.sub) : [];
  return page(200, 'app-proposals', {
    ...layout(signedIn, '/app/proposals'),
    drafts: drafts.map((d) => ({
      title: d.title,
      saved: formatUkDateTime(d.savedAt),
      href: `/app/proposals/new?draft=${encode(d.draftId)}`,
    })),
    hasDrafts: drafts.length > 0,
    statuses: PROPOSAL_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s], selected: s === status })),
    filtered: status ? STATUS_LABELS[status] : null,
    items: result.items.map((p) => ({
      href: `/app/proposals/${encode(p.proposalId)}`,
      reference: p.reference,
      title: p.input.title,
      cameraType: p.input.cameraType,
      publicArea: p.input.publicArea,
      status: STATUS_LABELS[p.status],
      statusClass: `status-${p.status}`,
      created: formatUkDateTime(p.createdAt),
      score: p.pressingNeed ? `${p.pressingNeed.score} (${p.pressingNeed.band})` : '–',
      responded: `${p.consultation.responded} of ${p.consultation.mailed}`,
    })),
    hasItems: result.items.length > 0,
    next,
    firstPage: query.cursor ? `/app/proposals${status ? `?status=${status}` : ''}` : null,
  });
}

/** GET /app/proposals/new */
export async function newProposalPage(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  // Issue 14: `?reviewOf=<id>` opens a review of an approved installation, pre-filled from it.
  const reviewOf = request.event.queryStringParameters?.reviewOf;
  const reviewed = reviewOf ? await reviewable(reviewOf) : undefined;
  // Issue 20: `?draft=<id>` goes on with a saved draft, as it was typed.
  const draftId = request.event.queryStringParameters?.draft;
  const draft = draftId ? await findDraft(signedIn.session.sub, draftId) : undefined;
  if (draftId && !draft) throw new NotFoundError('There is no such draft: it was opened or deleted.');
  const form = draft
    ? new URLSearchParams(draft.form)
    : reviewed
      ? formFromInput(reviewed.input, reviewed.proposalId)
      : new URLSearchParams({ rows: String(DEFAULT_ROWS) });
  const again = draft?.form ? new URLSearchParams(draft.form).get('reviewOf') : null;
  const reviewing = reviewed ?? (again ? await findProposal(again) : undefined);
  return page(200, 'app-proposal-new', {
    ...layout(signedIn, '/app/proposals/new'),
    ...proposalFormView(form, [], []),
    reviewing: reviewing ? reviewingView(reviewing) : null,
    draftId: draft?.draftId ?? null,
    draftSaved: draft && request.event.queryStringParameters?.saved ? formatUkDateTime(draft.savedAt) : null,
  });
}

/** The approved proposal a review is opened from; 404 or 409 as a page otherwise. */
async function reviewable(proposalId: string) {
  const proposal = await getProposal(proposalId);
  if (proposal.status !== 'approved') {
    throw new ConflictError(
      `Only an approved installation can be reviewed: ${proposal.reference} is ${proposal.status}.`,
    );
  }
  return proposal;
}

const reviewingView = (p: { proposalId: string; reference: string; input: { title: string } }) => ({
  reference: p.reference,
  title: p.input.title,
  href: `/app/proposals/${encode(p.proposalId)}`,
});

/** POST /app/proposals: validate on the server, then open it (or show every error, nothing stored). */
export async function createProposalFromForm(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  const form = await readVerifiedForm(signedIn);
  const view = (
    status: number,
    issues: ValidationError['issues'],
    sources: Parameters<typeof proposalFormView>[2],
  ) =>
    page(status, 'app-proposal-new', {
      ...layout(signedIn, '/app/proposals/new'),
      ...proposalFormView(form, issues, sources, parsed.riskSources),
      reviewing: reviewed ? reviewingView(reviewed) : null,
      draftId: form.get('draftId') || null,
      draftSaved: null,
    });
  const parsed = parseProposalForm(form);
  const reviewOf = typeof parsed.raw.reviewOf === 'string' ? parsed.raw.reviewOf : undefined;
  const reviewed = reviewOf ? await findProposal(reviewOf) : undefined;
  if (form.get('action') === 'add-row') {
    form.set('rows', String(parsed.rows + 1));
    return view(200, [], parsed.sources);
  }
  // Issue 20: a draft is kept as typed, unchecked, for this manager only.
  const draftId = form.get('draftId');
  if (form.get('action') === 'save-draft') {
    const draft = await saveDraft(signedIn.session.sub, draftId, form, request.now);
    return redirect(`/app/proposals/new?draft=${encode(draft.draftId)}&saved=1`);
  }
  // Every error in one round, the deadline's among them (issue 20).
  const checked = checkProposalToOpen(parsed.raw, request.now, minConsultationDays());
  const issues = [...parsed.issues, ...(checked.ok ? [] : checked.issues)];
  if (!checked.ok || issues.length > 0) return view(400, issues, parsed.sources);
  const created = await createProposal(checked.input, signedIn.session.sub, request.now);
  if (draftId) await deleteDraft(signedIn.session.sub, draftId);
  return redirect(`/app/proposals/${encode(created.proposalId)}`);
}

type Detail = Awaited<ReturnType<typeof proposalDetail>>;

/** GET /app/proposals/{id}[?refresh=on] */
export async function proposalPage(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager', 'auditor']);
  const id = pathParameter(request.event, 'id');
  const detail = await proposalDetail(id);
  const consulting = detail.status === 'consulting';
  const refresh = consulting && request.event.queryStringParameters?.refresh === 'on';
  const view = proposalView(detail);
  // Issue 16/20: triage on each consultee row (managers, until the decision).
  const triage = triageRows(detail, mayTriage(signedIn.session.role, detail.status));
  return page(200, 'app-proposal', {
    ...layout(signedIn, ''),
    ...view,
    consultees: view.consultees.map((row, i) => ({ ...row, ...triage[i] })),
    href: `/app/proposals/${encode(id)}`,
    consulting,
    refresh: refresh ? REFRESH_SECONDS : null,
    canWithdraw: signedIn.session.role === 'manager' && WITHDRAWABLE.includes(detail.status),
    withdrawHref: `/app/proposals/${encode(id)}/withdraw`,
    // SPEC 10: after an approval expired, a manager asks for a fresh review link.
    canReissue: signedIn.session.role === 'manager' && detail.status === 'expired',
    // Issue 19: the manager completes the assessment before the decision, and marks conditions done.
    assessmentHref:
      signedIn.session.role === 'manager' && ASSESSMENT_OPEN.includes(detail.status)
        ? `/app/proposals/${encode(id)}/assessment`
        : null,
    trackedConditions: trackedConditions(detail, id, signedIn.session.role === 'manager', request.now),
    // Issue 14: an approved installation is reviewed as a new proposal, pre-filled from this one.
    reviewHref:
      signedIn.session.role === 'manager' && detail.status === 'approved' && !openReview(detail.history, id)
        ? `/app/proposals/new?reviewOf=${encode(id)}`
        : null,
    // SPEC 10: auditors take the evidence pack away as one JSON file.
    evidenceHref: signedIn.session.role === 'auditor' ? `/app/proposals/${encode(id)}/evidence` : null,
    reissueAction: `/app/proposals/${encode(id)}/review-link`,
    // SPEC 11: the DPIA document, full and public editions, as a page and as a PDF.
    dpia: {
      href: `/app/proposals/${encode(id)}/dpia`,
      publicHref: `/app/proposals/${encode(id)}/dpia?edition=public`,
      pdfHref: `/app/proposals/${encode(id)}/dpia.pdf`,
      publicPdfHref: `/app/proposals/${encode(id)}/dpia.pdf?edition=public`,
    },
    // SPEC 11: a manager records the prior consultation with the Commissioner before the decision.
    canRecordIco:
      signedIn.session.role === 'manager' &&
      detail.priorConsultationRequired &&
      !detail.decision &&
      !['withdrawn', 'failed'].includes(detail.status),
    icoAction: `/app/proposals/${encode(id)}/ico-consultation`,
    icoOutcomes: ICO_OUTCOMES.map((value) => ({
      value,
      label: ICO_OUTCOME_LABELS[value],
      id: `ico-${value}`,
    })),
  });
}

/** POST /app/proposals/{id}/ico-consultation: the prior consultation, from the proposal page's form. */
export async function icoConsultationFromForm(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  const form = await readVerifiedForm(signedIn);
  const fields = Object.fromEntries(
    ['submittedOn', 'reference', 'outcome', 'summary'].map((f) => [f, form.get(f) ?? undefined]),
  );
  const parsed = IcoConsultationInput.safeParse(fields);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const id = pathParameter(request.event, 'id');
  await recordIcoConsultation(id, parsed.data, signedIn.session.sub, request.now);
  return redirect(`/app/proposals/${encode(id)}`);
}

/** GET /app/proposals/{id}/dpia[?edition=public]: the DPIA document (manager, auditor). */
export async function dpiaPage(request: PageRequest): Promise<HttpResult> {
  await requireSession(request, ['manager', 'auditor']);
  const edition = parseEdition(request.event.queryStringParameters);
  return documentAnswer(await loadDpiaSources(pathParameter(request.event, 'id')), edition);
}

/** GET /app/proposals/{id}/evidence: the evidence pack as a JSON download (auditor). */
export async function evidenceDownload(request: PageRequest): Promise<HttpResult> {
  const signedIn = await requireSession(request, ['auditor']);
  const pack = await evidencePack(pathParameter(request.event, 'id'), signedIn.session.sub);
  // A pack with hundreds of raw replies can pass Lambda's 6 MB: deliver() then redirects to S3.
  return deliver({
    body: Buffer.from(JSON.stringify(pack, null, 2), 'utf8'),
    contentType: 'application/json; charset=utf-8',
    filename: `evidence-${pack.evidencePack.reference}.json`,
    disposition: 'attachment',
    headers: { 'x-content-type-options': 'nosniff' },
  });
}

/** POST /app/proposals/{id}/review-link: a fresh review link for an expired approval. */
export async function reissueFromForm(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  await readVerifiedForm(signedIn);
  const reissued = await reissueReviewLink(pathParameter(request.event, 'id'), signedIn.session.sub);
  return redirect(`/app/proposals/${encode(reissued.proposalId)}`);
}

export function proposalView(d: Detail) {
  const c = d.consultation;
  const counted = c.tally.support + c.tally.concerns + c.tally.object + c.tally.unclassified;
  const percent = (n: number) => (counted === 0 ? 0 : Math.round((n / counted) * 100));
  const diagram = lifecycleDiagram(d.status, d.timeline, d.pressingNeed?.band ?? null);
  return {
    proposalId: d.proposalId,
    reference: d.reference,
    title: d.title,
    cameraType: d.cameraType,
    publicArea: d.publicArea,
    ownerRole: d.owner?.role ?? 'Not recorded',
    site: d.site,
    status: STATUS_LABELS[d.status],
    statusClass: `status-${d.status}`,
    createdAt: formatUkDateTime(d.createdAt),
    createdBy: d.createdBy,
    responseDeadline: formatUkDateTime(d.responseDeadline),
    approver: d.approver,
    dpo: d.dpo ?? null,
    retention: d.retention,
    pressingNeed: d.pressingNeed ? needInWords(d.pressingNeed, d.justification) : null,
    consultation: {
      mailed: c.mailed,
      responded: c.responded,
      late: c.late,
      bounced: c.bounced,
      closedAt: c.closedAt ? formatUkDateTime(c.closedAt) : null,
      tally: [
        { label: 'Support', count: c.tally.support, width: percent(c.tally.support), className: 'support' },
        {
          label: 'Concerns',
          count: c.tally.concerns,
          width: percent(c.tally.concerns),
          className: 'concerns',
        },
        { label: 'Object', count: c.tally.object, width: percent(c.tally.object), className: 'object' },
        {
          label: 'Unclassified',
          count: c.tally.unclassified,
          width: percent(c.tally.unclassified),
          className: 'unclassified',
        },
      ],
      total: c.consultees.length,
    },
    consultees: c.consultees.map((x) => ({
      name: x.name,
      email: x.email,
      organisation: x.organisation,
      status: x.status,
      stance: x.stance ? STANCE_LABELS[x.stance] : null,
      respondedAt: x.respondedAt ? formatUkDateTime(x.respondedAt) : null,
      late: x.late,
      senderMismatch: x.senderMismatch,
      comment: x.comment,
    })),
    timeline: d.timeline.map((t) => ({
      at: formatUkDateTime(t.at),
      iso: t.at,
      event: t.event,
      detail: t.detail,
    })),
    risks: (d.risks ?? []).map(riskInWords),
    hasRisks: (d.risks ?? []).length > 0,
    // Issue 19, 20: the rest of the assessment on the manager's page, not only the approver's.
    ...assessmentSummary(d),
    priorConsultationRequired: d.priorConsultationRequired,
    icoConsultation: d.icoConsultation
      ? {
          ...d.icoConsultation,
          submittedOnText: formatUkLongDate(d.icoConsultation.submittedOn),
          outcomeLabel: ICO_OUTCOME_LABELS[d.icoConsultation.outcome],
        }
      : null,
    dpoAdvice: d.dpoAdvice
      ? {
          ...d.dpoAdvice,
          advised: d.dpoAdvice.status === 'advised',
          noResponse: d.dpoAdvice.status === 'no-response',
          requested: d.dpoAdvice.status === 'requested',
          recommendationLabel: d.dpoAdvice.recommendation
            ? DPO_RECOMMENDATION_LABELS[d.dpoAdvice.recommendation]
            : null,
        }
      : null,
    decision: d.decision
      ? {
          ...d.decision,
          outcomeLabel: d.decision.outcome === 'approved' ? 'Approved' : 'Rejected',
          decidedAtText: formatUkDateTime(d.decision.decidedAt),
          href: `/app/decisions/${encode(d.decision.decisionId)}`,
        }
      : null,
    diagram,
    history: d.history.map((h) => ({
      ...h,
      href: `/app/proposals/${encode(h.proposalId)}`,
      statusLabel: STATUS_LABELS[h.status],
      opened: formatUkDateTime(h.createdAt),
    })),
    hasHistory: d.history.length > 1,
  };
}

/** A review of this proposal still in progress (or decided): no second one is offered. */
function openReview(history: Detail['history'], proposalId: string): boolean {
  const at = history.findIndex((h) => h.proposalId === proposalId);
  const next = at >= 0 ? history[at + 1] : undefined;
  return next !== undefined && !['withdrawn', 'failed'].includes(next.status);
}
