import '../shared/model/zod-messages.js';
import { needInWords } from '../consultation/letter.js';
import { checklistInOrder, regimeView, screeningView } from '../dpia/assessment-view.js';
import type { Tally } from '../shared/model/consultation.js';
import type { DpoStage } from '../shared/model/governance.js';
import { DPO_RECOMMENDATION_LABELS, ICO_OUTCOME_LABELS } from '../shared/model/governance-terms.js';
import type { Outcome } from '../shared/model/outcome.js';
import { needsPriorConsultation, type RiskInWords, riskInWords } from '../shared/model/risk.js';
import { isCounted, STANCE_LABELS } from '../shared/model/stances.js';
import type { ProposalPartition, ProposalRecord } from '../shared/store/proposals.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';
import type { FormField, ReviewFormView } from './form.js';
import type { ReviewDecision, ReviewRecord } from './store.js';

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
  risks: RiskInWords[] | null;
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

export interface DpoView {
  advised: boolean;
  noResponse: boolean;
  requested: boolean;
  recommendation: string | null;
  advice: string | null;
  at: string | null;
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

export function decidedView(review: Pick<ReviewRecord, 'approverName'>, d: ReviewDecision): DecidedView {
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
    pressingNeed: pressingNeed ? needInWords(pressingNeed, input.justification) : null,
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
      ? checklistInOrder(input.checklist).map((entry) => ({ ...entry, note: entry.note ?? null }))
      : null,
    alternativesConsidered: input.alternativesConsidered ?? null,
    risks: input.risks?.length ? input.risks.map(riskInWords) : null,
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
