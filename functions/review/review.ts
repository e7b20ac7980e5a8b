import '../shared/model/zod-messages.js';
import { type AppError, ConflictError, refusalView } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { splitConditions } from '../shared/model/conditions.js';
import { loadProposalPartition, type ProposalRecord } from '../shared/store/proposals.js';
import { renderPage } from '../shared/templates.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import { completeTask } from '../shared/workflow.js';
import {
  defaultReviewDate,
  FORM_FIELDS,
  type FormField,
  formView,
  isoDate,
  reviewFormSchema,
  rulesFor,
} from './form.js';
import { LINK_HEADINGS, type LinkKind } from './link-headings.js';
import { type ConfirmationView, decidedView, pageView, type ReviewPageView } from './page-view.js';
import { defaultConditionsDue, departureFromConsultees } from './rules.js';
import { openSignedReview } from './signed.js';
import {
  decideReview,
  isExpired,
  linkGone,
  type ReviewDecision,
  type ReviewRecord,
  undoDecision,
  voidReview,
} from './store.js';
import { ProposalWithdrawnError, withdrawnLink } from './withdrawn.js';

/** A rendered page and its status: the handler turns it into the HTTP answer. */
export interface PageAnswer {
  status: number;
  page: string;
}

export interface ReviewRequest {
  reviewId: string;
  /** Where the form posts back to: the path the page was served on. */
  actionPath: string;
  now?: Date;
}

/**
 * GET /review/{reviewId}?sig=: the proposal in full and the form; once decided, 409 (SPEC §6: the
 * link is single-use) with the same page saying who decided what and when instead of the form.
 */
export async function showReview(request: ReviewRequest & { sig: string | null }): Promise<PageAnswer> {
  const now = request.now ?? new Date();
  const review = await openSignedReview(request.reviewId, request.sig);
  const partition = await loadProposalPartition(review.proposalId);
  if (review.state === 'decided' && review.decision) {
    const view = pageView(partition, review, null, decidedView(review, review.decision));
    return { status: 409, page: renderPage('review', withDocumentLink(view, request)) };
  }
  assertStillOpen(review, partition.proposal, now);
  const rules = rulesFor(partition.proposal);
  const form = formView(request.actionPath, request.sig ?? '', now, rules, {
    rationale: '',
    consulteeResponse: '',
    conditions: '',
    conditionsOwner: rules.ownerRole ?? '',
    conditionsDue: defaultConditionsDue(now),
    reviewDate: defaultReviewDate(now),
    dpoReasons: '',
  });
  const view = pageView(partition, review, form, null);
  return { status: 200, page: renderPage('review', withDocumentLink(view, request)) };
}

/** SPEC 11: the approver reads the DPIA document from the same signed link. */
function withDocumentLink(view: ReviewPageView, request: { reviewId: string; sig: string | null }) {
  const query = new URLSearchParams({ sig: request.sig ?? '' });
  return { ...view, dpiaHref: `/review/${encodeURIComponent(request.reviewId)}/dpia?${query}` };
}

/** POST /review/{reviewId}: decides once, then hands the choice to the waiting workflow. */
export async function submitReview(request: ReviewRequest & { form: URLSearchParams }): Promise<PageAnswer> {
  const now = request.now ?? new Date();
  const sig = request.form.get('sig');
  const review = await openSignedReview(request.reviewId, sig);
  if (review.state === 'decided') throw decidedAlready(review);
  const partition = await loadProposalPartition(review.proposalId);
  assertStillOpen(review, partition.proposal, now);

  const submitted = Object.fromEntries(FORM_FIELDS.map((f) => [f, request.form.get(f) ?? undefined]));
  const rules = rulesFor(partition.proposal);
  const parsed = reviewFormSchema(isoDate(now), rules, now).safeParse(submitted);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      field: (FORM_FIELDS as readonly PropertyKey[]).includes(issue.path[0] ?? '')
        ? (issue.path[0] as FormField)
        : 'outcome',
      message: issue.message,
    }));
    const form = formView(request.actionPath, sig ?? '', now, rules, {
      outcome: submitted.outcome,
      rationale: submitted.rationale ?? '',
      consulteeResponse: submitted.consulteeResponse ?? '',
      conditions: submitted.conditions ?? '',
      conditionsOwner: submitted.conditionsOwner ?? rules.ownerRole ?? '',
      conditionsDue: submitted.conditionsDue || defaultConditionsDue(now),
      reviewDate: submitted.reviewDate || defaultReviewDate(now),
      dpoAdvice: submitted.dpoAdvice,
      dpoReasons: submitted.dpoReasons ?? '',
      errors,
    });
    const view = pageView(partition, review, form, null, errors);
    return {
      status: 400,
      page: renderPage('review', withDocumentLink(view, { reviewId: request.reviewId, sig })),
    };
  }

  const { outcome, rationale, conditions, reviewDate, dpoAdvice, dpoReasons } = parsed.data;
  const departure = departureFromConsultees(outcome, rules.tally);
  const conditionTexts = outcome === 'approved' ? splitConditions(conditions) : [];
  const decision: ReviewDecision = {
    outcome,
    rationale,
    conditions: conditions || null,
    ...(departure
      ? {
          consulteeViews: {
            departsFrom: departure.kind,
            count: departure.count,
            response: parsed.data.consulteeResponse ?? '',
          },
        }
      : {}),
    ...(conditionTexts.length > 0
      ? {
          conditionItems: conditionTexts.map((text, i) => ({
            n: i + 1,
            text,
            owner: parsed.data.conditionsOwner || rules.ownerRole || '',
            dueDate: parsed.data.conditionsDue || defaultConditionsDue(now),
          })),
        }
      : {}),
    reviewDate: outcome === 'approved' ? reviewDate || defaultReviewDate(now) : null,
    decidedBy: review.approverEmail,
    decidedAt: now.toISOString(),
    ...(rules.dpoAdvice
      ? {
          dpoAdvice: dpoAdvice ?? 'accepted',
          dpoReasons: dpoAdvice === 'overruled' ? dpoReasons || null : null,
        }
      : {}),
  };
  await decideReview(review.reviewId, decision, now);
  await tellWorkflow(review, decision);
  log.info('review decided', {
    reviewId: review.reviewId,
    proposalId: review.proposalId,
    reference: partition.proposal.reference,
    outcome,
  });
  const view: ConfirmationView = {
    reference: partition.proposal.reference,
    title: partition.proposal.input.title,
    ...decidedView(review, decision),
  };
  return { status: 200, page: renderPage('review-confirmation', view) };
}

/** A refused request as a page: a clear heading and what to do next. */
export function errorPage(error: AppError, link: LinkKind = 'review'): PageAnswer {
  const view = refusalView(error, LINK_HEADINGS[link]);
  if (error instanceof ProposalWithdrawnError) view.heading = error.heading;
  return { status: error.status, page: renderPage('review-error', view) };
}

/** 410 when the link was voided, has run out, or the proposal no longer awaits approval. */
function assertStillOpen(review: ReviewRecord, proposal: ProposalRecord, now: Date): void {
  if (proposal.status === 'withdrawn') throw withdrawnLink(proposal, 'review');
  if (review.state !== 'open' || isExpired(review, now) || proposal.status !== 'awaiting-approval') {
    throw linkGone();
  }
}

function decidedAlready(review: ReviewRecord): ConflictError {
  const d = review.decision;
  return new ConflictError(
    d
      ? `This proposal was already ${d.outcome} by ${review.approverName} at ${formatUkDateTime(d.decidedAt)}; a review link can be used once.`
      : 'This proposal has already been decided; a review link can be used once.',
  );
}

/**
 * Sends the decision to the waiting workflow. When the workflow is no longer waiting the link is
 * dead (410); on any other failure the decision is taken back so the approver can post again.
 */
async function tellWorkflow(review: ReviewRecord, decision: ReviewDecision): Promise<void> {
  let delivered: boolean;
  try {
    delivered = await completeTask(review.taskToken, decision);
  } catch (error) {
    try {
      await undoDecision(review.reviewId, decision.decidedAt);
    } catch (undoError) {
      log.error('could not take back a decision the workflow never got', {
        reviewId: review.reviewId,
        error: (undoError as Error).name,
      });
    }
    throw error;
  }
  if (!delivered) {
    await voidReview(review.reviewId, 'workflow-not-waiting', ['decided']);
    log.warn('review decided after the workflow stopped waiting', {
      reviewId: review.reviewId,
      error: 'TaskNotWaiting',
    });
    throw linkGone();
  }
}
