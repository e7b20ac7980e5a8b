// The approver's form on the review page: what it shows (formView), what it enforces for this
// proposal (rulesFor, reviewFormSchema: the rationale, an assessment complete before approval, reasons
// that address the consultees' views or overrule the DPO's advice, conditions for unmet principles,
// dates after today) and the defaults it offers.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { ConditionDue, ConditionOwner, splitConditions } from '../shared/model/conditions.js';
import type { Tally } from '../shared/model/consultation.js';
import { formText } from '../shared/model/fields.js';
import type { DpoStage } from '../shared/model/governance.js';
import { DPO_RESPONSES } from '../shared/model/governance-terms.js';
import { isoDate as isoDateSchema } from '../shared/model/iso.js';
import { OUTCOMES, type Outcome } from '../shared/model/outcome.js';
import type { ProposalInput } from '../shared/model/proposal.js';
import { needsPriorConsultation } from '../shared/model/risk.js';
import type { ProposalRecord } from '../shared/store/proposals.js';
import {
  assessmentGaps,
  CONSULTEE_RESPONSE_MIN,
  defaultConditionsDue,
  departureFromConsultees,
  departureMessage,
} from './rules.js';

export const RATIONALE_MIN = 20;
export const TEXT_MAX = 10_000;
const RATIONALE_LENGTH = { min: RATIONALE_MIN, max: TEXT_MAX };
export const FORM_FIELDS = [
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
export type FormField = (typeof FORM_FIELDS)[number];

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

/** What the form must enforce for this proposal, beside the rationale (SPEC 10, 11). */
export interface FormRules {
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

export function rulesFor(proposal: ProposalRecord): FormRules {
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

export function reviewFormSchema(today: string, rules: FormRules, now: Date) {
  const { unmet } = rules;
  return z
    .object({
      outcome: z.enum(OUTCOMES, { error: 'Choose whether to approve or reject the proposal.' }),
      rationale: formText(RATIONALE_LENGTH, {
        missing: 'Give the reasons for your decision.',
        tooShort: `Give a rationale of at least ${RATIONALE_MIN} characters.`,
        tooLong: `Keep the rationale under ${TEXT_MAX} characters.`,
      }),
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

export function formView(
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

export const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

/** Twelve months on, as SPEC §6 proposes for an approval's review. */
export function defaultReviewDate(now: Date): string {
  const date = new Date(now);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return isoDate(date);
}
