// The DPO's side of the advice link (SPEC 10): the assessment so far and a form for the advice and
// a recommendation, decided once. The signature is the only credential, with the review link's
// rules: 403 bad signature, 404 unknown, 410 expired or void, 409 once given.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { pageView, type ReviewPageView } from '../review/page-view.js';
import type { PageAnswer } from '../review/review.js';
import { withdrawnLink } from '../review/withdrawn.js';
import { log } from '../shared/logger.js';
import { formText } from '../shared/model/fields.js';
import type { DpoRecommendation } from '../shared/model/governance.js';
import { DPO_RECOMMENDATION_LABELS, DPO_RECOMMENDATIONS } from '../shared/model/governance-terms.js';
import {
  addTimelineEvent,
  loadProposalPartition,
  type ProposalRecord,
  updateProposal,
} from '../shared/store/proposals.js';
import { renderPage } from '../shared/templates.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import { completeTask } from '../shared/workflow.js';
import { openSignedAdvice } from './signed.js';
import { type AdviceRecord, adviceGivenAlready, adviceLinkGone, giveAdvice } from './store.js';

/** The DPO's advice, in characters once trimmed. */
export const ADVICE_LENGTH = { min: 20, max: 10_000 };
const FIELDS = ['recommendation', 'advice'] as const;
type Field = (typeof FIELDS)[number];

/** What templates/pages/dpo.html is rendered with: the assessment, then the form or the advice given. */
export interface AdvicePageView extends ReviewPageView {
  dpoName: string;
  adviceForm: {
    action: string;
    sig: string;
    options: { value: DpoRecommendation; label: string; id: string; checked: boolean }[];
    advice: string;
    adviceMin: number;
    fieldErrors: Record<Field, string | null>;
  } | null;
  given: { recommendation: string; advice: string; givenAt: string } | null;
}

export interface AdviceRequest {
  adviceId: string;
  actionPath: string;
  now?: Date;
}

const AdviceForm = z.object({
  recommendation: z.enum(DPO_RECOMMENDATIONS, {
    error: 'Choose your recommendation: proceed, proceed with conditions, or do not proceed.',
  }),
  advice: formText(ADVICE_LENGTH, {
    missing: 'Write your advice for the approver.',
    tooShort: `Write your advice in at least ${ADVICE_LENGTH.min} characters.`,
    tooLong: `Keep the advice under ${ADVICE_LENGTH.max} characters.`,
  }),
});

/** GET /dpo/{adviceId}?sig=: the assessment so far and the form; 409 with the advice once given. */
export async function showAdvice(request: AdviceRequest & { sig: string | null }): Promise<PageAnswer> {
  const now = request.now ?? new Date();
  const advice = await openSignedAdvice(request.adviceId, request.sig);
  const partition = await loadProposalPartition(advice.proposalId);
  if (advice.state === 'given' && advice.given) {
    return { status: 409, page: renderPage('dpo', view(partition, advice, null)) };
  }
  assertStillOpen(advice, partition.proposal, now);
  const form = formView(request.actionPath, request.sig ?? '', {});
  // SPEC 10: the document so far, from the same signed link.
  const dpiaHref = `/dpo/${encodeURIComponent(advice.adviceId)}/dpia?${new URLSearchParams({ sig: request.sig ?? '' })}`;
  return { status: 200, page: renderPage('dpo', { ...view(partition, advice, form), dpiaHref }) };
}

/** POST /dpo/{adviceId}: records the advice once, then lets the waiting workflow go on to the approver. */
export async function submitAdvice(request: AdviceRequest & { form: URLSearchParams }): Promise<PageAnswer> {
  const now = request.now ?? new Date();
  const sig = request.form.get('sig');
  const advice = await openSignedAdvice(request.adviceId, sig);
  if (advice.state === 'given') throw adviceGivenAlready();
  const partition = await loadProposalPartition(advice.proposalId);
  assertStillOpen(advice, partition.proposal, now);

  const submitted = Object.fromEntries(FIELDS.map((f) => [f, request.form.get(f) ?? undefined]));
  const parsed = AdviceForm.safeParse(submitted);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      field: (issue.path[0] === 'advice' ? 'advice' : 'recommendation') as Field,
      message: issue.message,
    }));
    const form = formView(request.actionPath, sig ?? '', { ...submitted, errors });
    const page = { ...view(partition, advice, form), errors, hasErrors: true };
    return { status: 400, page: renderPage('dpo', page) };
  }

  const given = { ...parsed.data, givenAt: now.toISOString() };
  await giveAdvice(advice.adviceId, given, now);
  // On the proposal before the workflow moves: the review page and the decision record read it there.
  const stage = partition.proposal.dpo;
  await updateProposal(
    advice.proposalId,
    {
      dpo: {
        adviceId: advice.adviceId,
        dpoName: advice.dpoName,
        requestedAt: stage?.requestedAt ?? advice.createdAt,
        expiresAt: advice.expiresAt,
        status: 'advised',
        recommendation: given.recommendation,
        advice: given.advice,
        advisedAt: given.givenAt,
      },
    },
    {
      expression: '#dpo.#adviceId = :adviceId',
      names: { '#dpo': 'dpo', '#adviceId': 'adviceId' },
      values: { ':adviceId': advice.adviceId },
    },
  );
  await addTimelineEvent(
    advice.proposalId,
    'dpo-advised',
    `The Data Protection Officer, ${advice.dpoName}, advised: ${DPO_RECOMMENDATION_LABELS[given.recommendation].toLowerCase()}.`,
    now,
  );
  // The workflow may have timed out a moment ago: the advice still stands and the approver sees it.
  const delivered = await completeTask(advice.taskToken, { recommendation: given.recommendation });
  log.info('dpo advised', {
    proposalId: advice.proposalId,
    reference: partition.proposal.reference,
    recommendation: given.recommendation,
    delivered,
  });
  const done = { ...advice, state: 'given' as const, given };
  return { status: 200, page: renderPage('dpo-confirmation', view(partition, done, null)) };
}

function assertStillOpen(advice: AdviceRecord, proposal: ProposalRecord, now: Date): void {
  if (proposal.status === 'withdrawn') throw withdrawnLink(proposal, 'advice');
  if (
    advice.state !== 'open' ||
    Date.parse(advice.expiresAt) <= now.getTime() ||
    proposal.status !== 'awaiting-dpo-advice'
  ) {
    throw adviceLinkGone();
  }
}

function formView(
  action: string,
  sig: string,
  values: {
    recommendation?: string | undefined;
    advice?: string | undefined;
    errors?: { field: Field; message: string }[];
  },
): NonNullable<AdvicePageView['adviceForm']> {
  const fieldErrors: Record<Field, string | null> = { recommendation: null, advice: null };
  for (const e of values.errors ?? []) fieldErrors[e.field] ??= e.message;
  return {
    action,
    sig,
    options: DPO_RECOMMENDATIONS.map((value) => ({
      value,
      label: DPO_RECOMMENDATION_LABELS[value],
      id: `recommendation-${value}`,
      checked: values.recommendation === value,
    })),
    advice: values.advice ?? '',
    adviceMin: ADVICE_LENGTH.min,
    fieldErrors,
  };
}

function view(
  partition: Awaited<ReturnType<typeof loadProposalPartition>>,
  advice: AdviceRecord,
  form: AdvicePageView['adviceForm'],
): AdvicePageView {
  return {
    ...pageView(partition, advice, null, null),
    dpoName: advice.dpoName,
    adviceForm: form,
    given: advice.given
      ? {
          recommendation: DPO_RECOMMENDATION_LABELS[advice.given.recommendation],
          advice: advice.given.advice,
          givenAt: formatUkDateTime(advice.given.givenAt),
        }
      : null,
  };
}
