// The proposal a manager opens (SPEC §3 and the optional governance fields of §10). The zod schema
// is the one source of truth: types come from it, every edge parses with it.
import * as z from 'zod/mini';
import './zod-messages.js';
import { AssessmentFields } from './assessment.js';
import { SCORING_POLICY_VERSIONS } from './assessment-terms.js';
import { EmailAddress } from './email.js';
import { line, text, unlessMissing, wholeNumber } from './fields.js';
import { isoDateTime } from './iso.js';
import { DEFAULT_MIN_CONSULTATION_DAYS, MAX_CONSULTATION_DAYS } from './limits.js';
import {
  CAMERA_TYPES,
  DEFAULT_RETENTION,
  EVIDENCE_MAX,
  EVIDENCE_MIN,
  MAX_CONSULTEES,
  MAX_RATING,
} from './proposal-terms.js';

export { DEFAULT_MIN_CONSULTATION_DAYS, MAX_CONSULTATION_DAYS } from './limits.js';

export const CameraType = z.enum(CAMERA_TYPES);
export type CameraType = z.infer<typeof CameraType>;

export { EmailAddress } from './email.js';
export { line, text, unlessMissing, wholeNumber } from './fields.js';
export {
  CAMERA_TYPES,
  DEFAULT_RETENTION,
  EVIDENCE_MAX,
  EVIDENCE_MIN,
  FACTOR_KEYS,
  type FactorKey,
  GUIDING_PRINCIPLES,
  MAX_CONSULTEES,
  MAX_RATING,
} from './proposal-terms.js';

export const Person = z.strictObject({
  name: line(1, 200),
  email: EmailAddress,
});
export type Person = z.infer<typeof Person>;

export const ConsulteeInput = z.strictObject({
  name: line(1, 200),
  email: EmailAddress,
  organisation: z.optional(line(1, 200)),
});
export type ConsulteeInput = z.infer<typeof ConsulteeInput>;

export const Factor = z
  .strictObject({
    rating: wholeNumber(`Rating must be a whole number from 0 to ${MAX_RATING}`, 0, MAX_RATING),
    evidence: z.optional(
      z
        .string()
        .check(z.trim(), z.maxLength(EVIDENCE_MAX, `Evidence must be at most ${EVIDENCE_MAX} characters`)),
    ),
  })
  .check(
    z.superRefine((factor, ctx) => {
      if (factor.rating > 0 && (factor.evidence ?? '').length < EVIDENCE_MIN) {
        ctx.addIssue({
          code: 'custom',
          path: ['evidence'],
          message: `Evidence of at least ${EVIDENCE_MIN} characters is required when the rating is above 0`,
        });
      }
    }),
  );
export type Factor = z.infer<typeof Factor>;

export const Justification = z.strictObject({
  nationalSecurity: Factor,
  seriousCrime: Factor,
  localCrime: Factor,
  communityConfidence: Factor,
  /**
   * Issue 19: the Home Office ANPR guidance (Appendix A) rates major crime apart from serious and
   * organised crime. Optional (policy 2026.1 and older proposals have four grounds).
   */
  majorCrime: z.optional(Factor),
});
export type Justification = z.infer<typeof Justification>;

// Messages name the field as the form labels it, not the JSON key (issue 20).
const days = (label: string) =>
  wholeNumber(`${label} must be a whole number of days from 1 to 36500`, 1, 36500);

export const Retention = z
  .strictObject({
    localDays: z._default(days('Days kept locally'), DEFAULT_RETENTION.localDays),
    nationalDays: z._default(days('Days kept nationally'), DEFAULT_RETENTION.nationalDays),
    standardAccessDays: z._default(days('Days of normal access'), DEFAULT_RETENTION.standardAccessDays),
  })
  .check(
    z.superRefine((r, ctx) => {
      if (r.standardAccessDays > Math.max(r.localDays, r.nationalDays)) {
        ctx.addIssue({
          code: 'custom',
          path: ['standardAccessDays'],
          message: 'Normal access cannot last longer than the data is kept',
        });
      }
    }),
  );
export type Retention = z.infer<typeof Retention>;

export const Site = z.strictObject({
  description: text(1, 1000),
  latitude: z
    .number({ error: unlessMissing('Latitude must be a number from -90 to 90') })
    .check(
      z.gte(-90, 'Latitude must be a number from -90 to 90'),
      z.lte(90, 'Latitude must be a number from -90 to 90'),
    ),
  longitude: z
    .number({ error: unlessMissing('Longitude must be a number from -180 to 180') })
    .check(
      z.gte(-180, 'Longitude must be a number from -180 to 180'),
      z.lte(180, 'Longitude must be a number from -180 to 180'),
    ),
});
export type Site = z.infer<typeof Site>;

export const ChecklistEntry = z.strictObject({
  principle: wholeNumber('Principles are numbered 1 to 12', 1, 12),
  met: z.boolean(),
  note: z.optional(z.string().check(z.trim(), z.maxLength(4000))),
});
export type ChecklistEntry = z.infer<typeof ChecklistEntry>;

export const Checklist = z.array(ChecklistEntry).check(
  z.length(12, 'The checklist covers each of the 12 guiding principles once'),
  z.superRefine((entries, ctx) => {
    const seen = new Set<number>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.principle)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'principle'],
          message: `Principle ${entry.principle} is listed twice`,
        });
      }
      seen.add(entry.principle);
    });
  }),
);

const level = wholeNumber('Use a whole number: 1 (low), 2 or 3 (high)', 1, 3);

/**
 * A risk to individuals before the measures (likelihood, severity) and, when the measures change
 * it, after them (SPEC 11: residualLikelihood and residualSeverity default to the values before).
 */
export const Risk = z.strictObject({
  description: text(1, 2000),
  likelihood: level,
  severity: level,
  mitigation: text(1, 2000),
  residualLikelihood: z.optional(level),
  residualSeverity: z.optional(level),
});
export type Risk = z.infer<typeof Risk>;

/**
 * SPEC 11: the post accountable for the camera, as the public register names it ("Deputy Head of
 * the Serious Crime Directorate (Chief Superintendent)"). It is published, so it is one line, holds
 * no e-mail address, and never names the approver or the DPO (checked on ProposalInput below).
 */
export const Owner = z.strictObject({
  // One line (no control character of any kind: the role is published on the register).
  role: line(3, 200).check(
    z.refine((role) => !role.includes('@'), 'Give the post, not an e-mail address: the role is published'),
  ),
});
export type Owner = z.infer<typeof Owner>;

const ConsulteeList = z.array(ConsulteeInput).check(
  z.minLength(1, 'At least one consultee is required'),
  z.maxLength(MAX_CONSULTEES, `At most ${MAX_CONSULTEES} consultees per proposal`),
  z.superRefine((consultees, ctx) => {
    const firstIndex = new Map<string, number>();
    consultees.forEach((consultee, index) => {
      const address = consultee.email.toLowerCase();
      const earlier = firstIndex.get(address);
      if (earlier === undefined) {
        firstIndex.set(address, index);
      } else {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'email'],
          message: `Duplicate e-mail address: already given for consultee ${earlier + 1}`,
        });
      }
    });
  }),
);

const ProposalFields = z.strictObject({
  title: line(3, 200),
  cameraType: CameraType,
  publicArea: line(2, 200),
  site: Site,
  justification: Justification,
  retention: z._default(Retention, DEFAULT_RETENTION),
  consultees: ConsulteeList,
  responseDeadline: isoDateTime({
    offset: true,
    error: unlessMissing('Must be an ISO 8601 date-time with a time zone, e.g. 2026-12-15T17:00:00Z'),
  }),
  approver: Person,
  /** SPEC 10: hours before the deadline that consultees with no reply are reminded (default: the deployment's). */
  reminderHours: z.optional(
    z
      .number({ error: 'reminderHours must be a number of hours' })
      .check(
        z.gt(0, 'reminderHours must be more than 0'),
        z.lte(8760, 'reminderHours must be at most 8760 (a year)'),
      ),
  ),
  dpo: z.optional(Person),
  /**
   * Issue 14: the id of the approved proposal this one reviews (its review date came due). The new
   * proposal is opened pre-filled from it; the two are linked, so each camera's history is a chain.
   */
  reviewOf: z.optional(z.uuid({ error: 'reviewOf must be the id of the approved proposal under review' })),
  checklist: z.optional(Checklist),
  alternativesConsidered: z.optional(text(1, 8000)),
  risks: z.optional(z.array(Risk).check(z.maxLength(100, 'At most 100 risks'))),
  owner: z.optional(Owner),
  /** Issue 19: the scoring policy to score under; absent, the deployment's default. */
  scoringPolicy: z.optional(
    z.enum(SCORING_POLICY_VERSIONS, {
      error: `Choose a scoring policy: ${SCORING_POLICY_VERSIONS.join(' or ')}`,
    }),
  ),
  ...AssessmentFields,
});

/** The register publishes the owner's role: a post, never the name of the person who holds it. */
const ownerIsAPost = z.superRefine((input: z.infer<typeof ProposalFields>, ctx) => {
  const role = input.owner?.role.toLowerCase();
  if (!role) return;
  const people = [input.approver.name, ...(input.dpo ? [input.dpo.name] : [])].map((n) =>
    n.trim().toLowerCase(),
  );
  if (people.some((name) => name.length >= 3 && role.includes(name))) {
    ctx.addIssue({
      code: 'custom',
      path: ['owner', 'role'],
      message: 'Give the post, not the name of the person who holds it: the role is published',
    });
  }
});

export const ProposalInput = ProposalFields.check(ownerIsAPost);
/** What the manager sent, before defaults. */
export type ProposalInputRaw = z.input<typeof ProposalInput>;
/** The proposal as the system keeps it, defaults applied. */
export type ProposalInput = z.infer<typeof ProposalInput>;

/**
 * Issue 19: what a manager completes while consulting (PUT /proposals/{id}/assessment). Each field
 * given replaces the stored one; a field left out is kept. The need grounds, the place and the
 * consultees are not here: they were scored and mailed when the proposal was opened.
 */
export const AssessmentInput = z
  .strictObject({
    checklist: z.optional(Checklist),
    alternativesConsidered: z.optional(text(1, 8000)),
    risks: z.optional(z.array(Risk).check(z.maxLength(100, 'At most 100 risks'))),
    screening: AssessmentFields.screening,
    legalRegime: AssessmentFields.legalRegime,
    lawfulBasis: AssessmentFields.lawfulBasis,
    dataCategories: AssessmentFields.dataCategories,
    recipients: AssessmentFields.recipients,
  })
  .check(
    z.refine(
      (fields) => Object.keys(fields).length > 0,
      'Send at least one part of the assessment to change',
    ),
  );
export type AssessmentInput = z.infer<typeof AssessmentInput>;
export const ASSESSMENT_KEYS = [
  'checklist',
  'alternativesConsidered',
  'risks',
  'screening',
  'legalRegime',
  'lawfulBasis',
  'dataCategories',
  'recipients',
] as const satisfies readonly (keyof AssessmentInput)[];

/**
 * Opening a proposal additionally needs a deadline far enough ahead (scoring an old file does
 * not). Judged on the raw value, so a bad deadline is reported with every other error at once.
 */
export function deadlineIssue(
  responseDeadline: unknown,
  now: Date,
  minDays = DEFAULT_MIN_CONSULTATION_DAYS,
): { path: string; message: string } | undefined {
  if (
    typeof responseDeadline !== 'string' ||
    !isoDateTime({ offset: true }).safeParse(responseDeadline).success
  )
    return undefined;
  const deadline = Date.parse(responseDeadline);
  if (deadline <= now.getTime()) {
    return { path: 'responseDeadline', message: 'The response deadline must be in the future' };
  }
  if (deadline < now.getTime() + minDays * 86_400_000) {
    return {
      path: 'responseDeadline',
      message: `The consultation must last at least ${minDays} days: set the response deadline on or after ${ukDayAndTime(new Date(now.getTime() + minDays * 86_400_000))}`,
    };
  }
  // A consultation is weeks long; half a year is the most a force would allow, and the lifecycle
  // must fit in a Standard execution's year (9999-12-31 used to reach the workflow and fail there).
  if (deadline > now.getTime() + MAX_CONSULTATION_DAYS * 86_400_000) {
    return {
      path: 'responseDeadline',
      message: `The response deadline must be within ${MAX_CONSULTATION_DAYS} days of today`,
    };
  }
  return undefined;
}

// The earliest deadline allowed, to the minute, as a UK reader reads it.
const ukDayAndTime = (date: Date) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);

/**
 * A proposal as opened (POST /proposals and the web form): the schema's errors and the deadline's
 * in one list, so a manager fixes everything in one round.
 */
export function checkProposalToOpen(
  raw: unknown,
  now: Date,
  minDays: number,
): { ok: true; input: ProposalInput } | { ok: false; issues: { path: string; message: string }[] } {
  const parsed = ProposalInput.safeParse(raw);
  const deadline = deadlineIssue(
    raw && typeof raw === 'object' ? (raw as Record<string, unknown>).responseDeadline : undefined,
    now,
    minDays,
  );
  const issues = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }))),
    ...(deadline ? [deadline] : []),
  ];
  if (parsed.success && issues.length === 0) return { ok: true, input: parsed.data };
  return { ok: false, issues };
}

const formatIssuePath = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? '(root)' : path.map(String).join('.');
