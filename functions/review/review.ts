// The approver's side of the review link (SPEC §6): the page that shows the proposal in full, and
// the form post that decides it once. The signature is the only credential; the task token stays
// on the review item and goes to Step Functions only after the decision is recorded.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { GROUND_NAMES } from '../consultation/letter.js';
import { regimeView, screeningView } from '../dpia/assessment-view.js';
import { type AppError, ConflictError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { ConditionDue, ConditionOwner, splitConditions } from '../shared/model/conditions.js';
import type { Tally } from '../shared/model/consultation.js';
import type { Outcome } from '../shared/model/decision.js';
import type { DpoStage } from '../shared/model/governance.js';
import {
  DPO_RECOMMENDATION_LABELS,
  DPO_RESPONSES,
  ICO_OUTCOME_LABELS,
} from '../shared/model/governance-terms.js';
import { isoDate as isoDateSchema } from '../shared/model/iso.js';
import { OUTCOMES } from '../shared/model/outcome.js';
import type { ProposalInput } from '../shared/model/proposal.js';
import { GUIDING_PRINCIPLES, MAX_RATING } from '../shared/model/proposal-terms.js';
import {
  LIKELIHOOD_LABELS,
  needsPriorConsultation,
  RISK_LEVEL_LABELS,
  residual,
  riskLevel,
  SEVERITY_LABELS,
} from '../shared/model/risk.js';
import { isCounted, STANCE_LABELS } from '../shared/model/stances.js';
import {
  loadProposalPartition,
  type ProposalPartition,
  type ProposalRecord,
} from '../shared/store/proposals.js';
import { renderPage } from '../shared/templates.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';
import { completeTask } from '../shared/workflow.js';
import {
  assessmentGaps,
  CONSULTEE_RESPONSE_MIN,
  defaultConditionsDue,
  departureFromConsultees,
  departureMessage,
} from './rules.js';
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

export const RATIONALE_MIN = 20;
const TEXT_MAX = 10_000;
const FORM_FIELDS = [
  'outcome',
  'rationale',
  'consulteeResponse',
  'conditions',
  'conditionsOwner',
  'conditionsDue',
  'reviewDate',
  'dpoAdvice',
  'dpoReasons',
] as const;
type FormField = (typeof FORM_FIELDS)[number];

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

/** What templates/pages/review.html is rendered with. Never the task token. */
export interface ReviewPageView {
  reference: string;
  title: string;
  cameraType: string;
  publicArea: string;
  status: string;
  site: { description: string; latitude: number; longitude: number };
  retention: { localDays: number; nationalDays: number; standardAccessDays: number };
  responseDeadline: string;
  approver: { name: string; email: string };
  expiresAt: string;
  pressingNeed: {
    score: number;
    band: string;
    policyVersion: string;
    factors: {
      key: string;
      name: string;
      rating: number;
      maxRating: number;
      weight: number;
      weightPercent: number;
      points: number;
      evidence: string | null;
    }[];
  } | null;
  consultation: { mailed: number; responded: number; late: number; bounced: number; tally: Tally };
  consultees: {
    name: string;
    organisation: string | null;
    status: string;
    stance: string | null;
    late: boolean;
    senderMismatch: boolean;
  }[];
  replies: {
    name: string;
    organisation: string | null;
    stance: string;
    receivedAt: string;
    late: boolean;
    /** Issue 15: received after an early close froze the tally (also `late`). */
    afterClose: boolean;
    /** Issue 21: failed sender authentication (also `senderMismatch`). */
    authFailed: boolean;
    senderMismatch: boolean;
    counted: boolean;
    comment: string;
  }[];
  hasReplies: boolean;
  checklist: { principle: number; text: string; met: boolean; note: string | null }[] | null;
  alternativesConsidered: string | null;
  risks: RiskView[] | null;
  assessmentRows: { label: string; value: string }[];
  screeningAnswers: { question: string; answer: string }[];
  /** SPEC 11: a residual risk is high, so the Commissioner must be consulted before approval. */
  priorConsultation: {
    required: boolean;
    recorded: { submittedOn: string; reference: string; outcome: string; summary: string } | null;
    missing: boolean;
  };
  /** SPEC 10: the DPO's advice, or that the DPO did not answer in time; null when no DPO was named. */
  dpo: DpoView | null;
  /** The form, while the review is open; null once decided. */
  form: ReviewFormView | null;
  /** Who decided what and when, once decided; null while open. */
  decided: DecidedView | null;
  errors: { field: FormField; message: string }[];
  hasErrors: boolean;
}

export interface RiskView {
  description: string;
  mitigation: string;
  before: { likelihood: string; severity: string; level: string };
  after: { likelihood: string; severity: string; level: string };
  high: boolean;
}

export interface DpoView {
  advised: boolean;
  noResponse: boolean;
  requested: boolean;
  recommendation: string | null;
  advice: string | null;
  at: string | null;
}

export interface ReviewFormView {
  action: string;
  sig: string;
  approved: boolean;
  rejected: boolean;
  rationale: string;
  /** Issue 19: reasons addressing the consultees' views, when the decision departs from them. */
  consulteeResponse: string;
  consulteeResponseMin: number;
  consulteeViews: string | null;
  conditions: string;
  conditionsOwner: string;
  conditionsDue: string;
  /** What the assessment still lacks before an approval (issue 19). */
  assessmentGaps: string[] | null;
  reviewDate: string;
  rationaleMin: number;
  /** Tomorrow: the earliest review date the form accepts. */
  minReviewDate: string;
  /** Set when a principle of the Code is not met: an approval then needs conditions (SPEC §10). */
  conditionsRequiredFor: string | null;
  /** The DPO advised: the approver says whether the decision accepts or overrules the advice. */
  dpoAdviceAsked: boolean;
  dpoAccepted: boolean;
  dpoOverruled: boolean;
  dpoReasons: string;
  fieldErrors: Record<FormField, string | null>;
}

export interface DecidedView {
  outcome: Outcome;
  outcomeLabel: string;
  approved: boolean;
  decidedByName: string;
  decidedBy: string;
  decidedAt: string;
  rationale: string;
  conditions: string | null;
  reviewDate: string | null;
  dpoAdvice: string | null;
  dpoReasons: string | null;
}

/** What templates/pages/review-confirmation.html is rendered with. */
export interface ConfirmationView extends DecidedView {
  reference: string;
  title: string;
}

/** What templates/pages/review-error.html is rendered with. */
export interface ErrorPageView {
  status: number;
  heading: string;
  message: string;
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
export function errorPage(error: AppError, link: 'review' | 'advice' = 'review'): PageAnswer {
  const heading = ERROR_HEADINGS[error.status]?.replace('review link', `${link} link`);
  const view: ErrorPageView = {
    status: error.status,
    heading:
      error instanceof ProposalWithdrawnError
        ? error.heading
        : link === 'advice' && error.status === 409
          ? 'The advice on this proposal has already been given'
          : (heading ?? 'This request cannot be completed'),
    message: error.message,
  };
  return { status: error.status, page: renderPage('review-error', view) };
}

const ERROR_HEADINGS: Record<number, string> = {
  400: 'Something is wrong with this request',
  403: 'This review link is not valid',
  404: 'Review not found',
  409: 'This proposal has already been decided',
  410: 'This review link is no longer valid',
  413: 'The form is too large',
  415: 'This form could not be read',
};

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

/** What the form must enforce for this proposal, beside the rationale (SPEC 10, 11). */
interface FormRules {
  /** Principles of the Code the checklist marks as not met: an approval needs conditions. */
  unmet: number[];
  /** A residual risk is high and no prior consultation with the Commissioner is recorded. */
  priorConsultationMissing: boolean;
  /** The DPO's advice, when given: the decision accepts it or overrules it with reasons. */
  dpoAdvice: Pick<DpoStage, 'recommendation'> | null;
  /** Issue 19: what the assessment still lacks; an approval waits until it is complete. */
  gaps: string[];
  /** The frozen tally: a decision against the consultees' views needs reasons addressing them. */
  tally: Tally;
  /** The accountable owner's post: the conditions' owner unless the approver names another. */
  ownerRole: string | null;
}

function rulesFor(proposal: ProposalRecord): FormRules {
  return {
    unmet: unmetPrinciples(proposal.input),
    priorConsultationMissing: needsPriorConsultation(proposal.input.risks) && !proposal.icoConsultation,
    dpoAdvice: proposal.dpo?.status === 'advised' ? { recommendation: proposal.dpo.recommendation } : null,
    gaps: assessmentGaps(proposal.input),
    tally: proposal.consultation.tally,
    ownerRole: proposal.input.owner?.role ?? null,
  };
}

/** The numbers of the Code's guiding principles the proposal's checklist marks as not met. */
function unmetPrinciples(input: ProposalInput): number[] {
  return (input.checklist ?? []).filter((item) => !item.met).map((item) => item.principle);
}

/**
 * A decision departs from the DPO's advice when it approves against "do not proceed", approves
 * without conditions against "proceed with conditions", or rejects against advice to proceed.
 */
export function departsFromDpoAdvice(
  recommendation: DpoStage['recommendation'],
  outcome: Outcome,
  conditions: string | undefined,
): boolean {
  if (!recommendation) return false;
  if (outcome === 'rejected') return recommendation !== 'do-not-proceed';
  if (recommendation === 'do-not-proceed') return true;
  return recommendation === 'proceed-with-conditions' && !conditions;
}

/** "a", "a and b", "a, b and c". */
function listPhrase(items: string[]): string {
  return items.length === 1 ? (items[0] ?? '') : `${items.slice(0, -1).join('; ')} and ${items.at(-1)}`;
}

/** "principle 9", "principles 3 and 9", "principles 1, 3 and 9". */
function principlesPhrase(numbers: number[]): string {
  if (numbers.length === 1) return `principle ${numbers[0]}`;
  return `principles ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
}

function reviewFormSchema(today: string, rules: FormRules, now: Date) {
  const { unmet } = rules;
  return z
    .object({
      outcome: z.enum(OUTCOMES, { error: 'Choose whether to approve or reject the proposal.' }),
      rationale: z
        .string({ error: 'Give the reasons for your decision.' })
        .check(
          z.trim(),
          z.minLength(RATIONALE_MIN, `Give a rationale of at least ${RATIONALE_MIN} characters.`),
          z.maxLength(TEXT_MAX, `Keep the rationale under ${TEXT_MAX} characters.`),
        ),
      consulteeResponse: z.optional(
        z.string().check(z.trim(), z.maxLength(TEXT_MAX, `Keep this under ${TEXT_MAX} characters.`)),
      ),
      conditions: z.optional(
        z
          .string()
          .check(z.trim(), z.maxLength(TEXT_MAX, `Keep the conditions under ${TEXT_MAX} characters.`)),
      ),
      conditionsOwner: z.optional(z.string().check(z.trim())),
      conditionsDue: z.optional(z.string().check(z.trim())),
      reviewDate: z.optional(z.string().check(z.trim())),
      dpoAdvice: z.optional(
        z.enum(DPO_RESPONSES, { error: "Say whether your decision accepts or overrules the DPO's advice." }),
      ),
      dpoReasons: z.optional(
        z.string().check(z.trim(), z.maxLength(TEXT_MAX, `Keep the reasons under ${TEXT_MAX} characters.`)),
      ),
    })
    .check(
      z.superRefine((form, ctx) => {
        if (form.outcome === 'approved' && rules.gaps.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['outcome'],
            message: `The assessment is not complete: it cannot be approved until the DPIA team records ${listPhrase(rules.gaps)} (DPA 2018 s.64). Reject it, or ask them to complete it first.`,
          });
        }
        const departure = departureFromConsultees(form.outcome, rules.tally);
        if (departure && (form.consulteeResponse ?? '').length < CONSULTEE_RESPONSE_MIN) {
          ctx.addIssue({ code: 'custom', path: ['consulteeResponse'], message: departureMessage(departure) });
        }
        if (form.outcome === 'approved' && splitConditions(form.conditions).length > 0) {
          const owner = form.conditionsOwner || rules.ownerRole || '';
          if (!ConditionOwner.safeParse(owner).success) {
            ctx.addIssue({
              code: 'custom',
              path: ['conditionsOwner'],
              message:
                'Name the post responsible for meeting the conditions (one line, at least 3 characters).',
            });
          }
          const due = form.conditionsDue || defaultConditionsDue(now);
          if (!ConditionDue.safeParse(due).success) {
            ctx.addIssue({
              code: 'custom',
              path: ['conditionsDue'],
              message: 'Give the date the conditions are due as a date, e.g. 2027-03-31.',
            });
          } else if (due <= today) {
            ctx.addIssue({
              code: 'custom',
              path: ['conditionsDue'],
              message: 'The conditions must be due after today.',
            });
          }
        }
        if (form.outcome === 'approved' && rules.priorConsultationMissing) {
          ctx.addIssue({
            code: 'custom',
            path: ['outcome'],
            message:
              'A risk stays high after the measures: the Information Commissioner must be consulted before approval (DPA 2018 s.65). Ask the DPIA team to record the prior consultation, then approve; or reject.',
          });
        }
        if (rules.dpoAdvice) {
          const departs = departsFromDpoAdvice(rules.dpoAdvice.recommendation, form.outcome, form.conditions);
          // SPEC 10: the approver states it, whichever way; nothing is assumed for them.
          if (!form.dpoAdvice && !departs) {
            ctx.addIssue({
              code: 'custom',
              path: ['dpoAdvice'],
              message: "Say whether your decision accepts or overrules the DPO's advice.",
            });
          }
          if (departs && form.dpoAdvice !== 'overruled') {
            ctx.addIssue({
              code: 'custom',
              path: ['dpoAdvice'],
              message:
                "This decision departs from the DPO's advice: mark the advice as overruled and give your reasons.",
            });
          }
          if (form.dpoAdvice === 'overruled' && (form.dpoReasons ?? '').length < RATIONALE_MIN) {
            ctx.addIssue({
              code: 'custom',
              path: ['dpoReasons'],
              message: `Give your reasons for overruling the DPO's advice, in at least ${RATIONALE_MIN} characters.`,
            });
          }
        }
        if (form.outcome === 'approved' && unmet.length > 0 && !form.conditions) {
          ctx.addIssue({
            code: 'custom',
            path: ['conditions'],
            message: `The checklist marks ${principlesPhrase(unmet)} of the Surveillance Camera Code as not met: to approve, give conditions saying how ${unmet.length === 1 ? 'it' : 'each'} will be met.`,
          });
        }
        if (form.outcome !== 'approved' || !form.reviewDate) return;
        if (!isoDateSchema().safeParse(form.reviewDate).success) {
          ctx.addIssue({
            code: 'custom',
            path: ['reviewDate'],
            message: 'Give the review date as a date, e.g. 2027-12-01.',
          });
        } else if (form.reviewDate <= today) {
          ctx.addIssue({
            code: 'custom',
            path: ['reviewDate'],
            message: 'The review date must be after today.',
          });
        }
      }),
    );
}

function formView(
  action: string,
  sig: string,
  now: Date,
  rules: FormRules,
  values: {
    outcome?: string | undefined;
    rationale: string;
    consulteeResponse: string;
    conditions: string;
    conditionsOwner: string;
    conditionsDue: string;
    reviewDate: string;
    dpoAdvice?: string | undefined;
    dpoReasons: string;
    errors?: { field: FormField; message: string }[];
  },
): ReviewFormView {
  const { unmet } = rules;
  const fieldErrors = Object.fromEntries(FORM_FIELDS.map((f) => [f, null])) as Record<
    FormField,
    string | null
  >;
  for (const e of values.errors ?? []) fieldErrors[e.field] ??= e.message;
  return {
    action,
    sig,
    approved: values.outcome === 'approved',
    rejected: values.outcome === 'rejected',
    rationale: values.rationale,
    consulteeResponse: values.consulteeResponse,
    consulteeResponseMin: CONSULTEE_RESPONSE_MIN,
    consulteeViews: consulteeViewsHint(rules.tally),
    conditions: values.conditions,
    conditionsOwner: values.conditionsOwner,
    conditionsDue: values.conditionsDue,
    assessmentGaps: rules.gaps.length > 0 ? rules.gaps : null,
    reviewDate: values.reviewDate,
    rationaleMin: RATIONALE_MIN,
    minReviewDate: isoDate(new Date(now.getTime() + 86_400_000)),
    conditionsRequiredFor: unmet.length > 0 ? principlesPhrase(unmet) : null,
    dpoAdviceAsked: rules.dpoAdvice !== null,
    dpoAccepted: values.dpoAdvice === 'accepted',
    dpoOverruled: values.dpoAdvice === 'overruled',
    dpoReasons: values.dpoReasons,
    fieldErrors,
  };
}

/** When the decision could depart from what consultees said, the form says so in advance. */
function consulteeViewsHint(tally: Tally): string | null {
  if (tally.object === 0 && tally.support === 0) return null;
  return `${tally.object} objected and ${tally.support} supported. Approving despite an objection, or rejecting despite support, needs reasons that address their views (at least ${CONSULTEE_RESPONSE_MIN} characters).`;
}

function decidedView(review: Pick<ReviewRecord, 'approverName'>, d: ReviewDecision): DecidedView {
  return {
    outcome: d.outcome,
    outcomeLabel: d.outcome === 'approved' ? 'Approved' : 'Rejected',
    approved: d.outcome === 'approved',
    decidedByName: review.approverName,
    decidedBy: d.decidedBy,
    decidedAt: formatUkDateTime(d.decidedAt),
    rationale: d.rationale,
    conditions: d.conditions,
    reviewDate: d.reviewDate ? formatUkLongDate(d.reviewDate) : null,
    dpoAdvice: d.dpoAdvice ?? null,
    dpoReasons: d.dpoReasons ?? null,
  };
}

/** The proposal in full, from an allow-list of fields: the approver may see the site. */
export function pageView(
  { proposal, consultees, replies }: ProposalPartition,
  review: Pick<ReviewRecord, 'expiresAt'>,
  form: ReviewFormView | null,
  decided: DecidedView | null,
  errors: { field: FormField; message: string }[] = [],
): ReviewPageView {
  const { input, pressingNeed, consultation } = proposal;
  const byEmail = new Map(consultees.map((c) => [c.email.toLowerCase(), c]));
  const responses = replies
    .filter((r) => r.kind === 'response')
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
    .map((r) => {
      const consultee = r.consulteeEmail ? byEmail.get(r.consulteeEmail.toLowerCase()) : undefined;
      return {
        name: consultee?.name ?? 'Unknown sender',
        organisation: consultee?.organisation ?? null,
        stance: STANCE_LABELS[r.stance ?? 'unclassified'],
        receivedAt: formatUkDateTime(r.receivedAt),
        late: r.late,
        afterClose: r.afterClose === true,
        authFailed: r.authFailed === true,
        senderMismatch: r.senderMismatch,
        counted: isCounted(r),
        comment: r.comment,
      };
    });
  return {
    reference: proposal.reference,
    title: input.title,
    cameraType: input.cameraType,
    publicArea: input.publicArea,
    status: proposal.status,
    site: {
      description: input.site.description,
      latitude: input.site.latitude,
      longitude: input.site.longitude,
    },
    retention: { ...input.retention },
    responseDeadline: formatUkDateTime(input.responseDeadline),
    approver: { name: input.approver.name, email: input.approver.email },
    expiresAt: formatUkDateTime(review.expiresAt),
    pressingNeed: pressingNeed
      ? {
          score: pressingNeed.score,
          band: pressingNeed.band,
          policyVersion: pressingNeed.policyVersion,
          factors: pressingNeed.factors.map((f) => ({
            key: f.factor,
            name: GROUND_NAMES[f.factor],
            rating: f.rating,
            maxRating: MAX_RATING,
            weight: f.weight,
            weightPercent: Math.round(f.weight * 100),
            points: f.contribution,
            evidence: input.justification[f.factor]?.evidence?.trim() || null,
          })),
        }
      : null,
    consultation: {
      mailed: consultation.mailed,
      responded: consultation.responded,
      late: consultation.late,
      bounced: consultation.bounced,
      tally: { ...consultation.tally },
    },
    consultees: consultees.map((c) => ({
      name: c.name,
      organisation: c.organisation ?? null,
      status: c.status,
      stance: c.stance ? STANCE_LABELS[c.stance] : null,
      late: c.late,
      senderMismatch: c.senderMismatch,
    })),
    replies: responses,
    hasReplies: responses.length > 0,
    checklist: input.checklist
      ? [...input.checklist]
          .sort((a, b) => a.principle - b.principle)
          .map((entry) => ({
            principle: entry.principle,
            text: GUIDING_PRINCIPLES[entry.principle - 1] ?? '',
            met: entry.met,
            note: entry.note ?? null,
          }))
      : null,
    alternativesConsidered: input.alternativesConsidered ?? null,
    risks: input.risks?.length ? input.risks.map(riskView) : null,
    // Issue 19: screening, regime, basis, data, recipients and place, as the document's steps 1-2.
    assessmentRows: regimeView(input, (t) => t),
    screeningAnswers: screeningView(input, (t) => t).answers,
    priorConsultation: priorConsultationView(proposal),
    dpo: dpoView(proposal.dpo),
    form,
    decided,
    errors,
    hasErrors: errors.length > 0,
  };
}

const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

/** Twelve months on, as SPEC §6 proposes for an approval's review. */
export function defaultReviewDate(now: Date): string {
  const date = new Date(now);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return isoDate(date);
}

function riskView(risk: NonNullable<ProposalInput['risks']>[number]): RiskView {
  const after = residual(risk);
  const level = (likelihood: number, severity: number) => ({
    likelihood: LIKELIHOOD_LABELS[likelihood] ?? String(likelihood),
    severity: SEVERITY_LABELS[severity] ?? String(severity),
    level: RISK_LEVEL_LABELS[riskLevel(likelihood, severity)],
  });
  return {
    description: risk.description,
    mitigation: risk.mitigation,
    before: level(risk.likelihood, risk.severity),
    after: level(after.likelihood, after.severity),
    high: riskLevel(after.likelihood, after.severity) === 'high',
  };
}

function priorConsultationView(proposal: ProposalRecord): ReviewPageView['priorConsultation'] {
  const required = needsPriorConsultation(proposal.input.risks);
  const ico = proposal.icoConsultation;
  return {
    required,
    recorded: ico
      ? {
          submittedOn: formatUkLongDate(ico.submittedOn),
          reference: ico.reference,
          outcome: ICO_OUTCOME_LABELS[ico.outcome],
          summary: ico.summary,
        }
      : null,
    missing: required && !ico,
  };
}

function dpoView(dpo: DpoStage | undefined): DpoView | null {
  if (!dpo) return null;
  return {
    advised: dpo.status === 'advised',
    noResponse: dpo.status === 'no-response',
    requested: dpo.status === 'requested',
    recommendation: dpo.recommendation ? DPO_RECOMMENDATION_LABELS[dpo.recommendation] : null,
    advice: dpo.advice ?? null,
    at: dpo.advisedAt
      ? formatUkDateTime(dpo.advisedAt)
      : dpo.timedOutAt
        ? formatUkDateTime(dpo.timedOutAt)
        : null,
  };
}
