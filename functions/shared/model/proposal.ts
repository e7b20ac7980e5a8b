// The proposal a manager opens (SPEC §3 and the optional governance fields of §10). The zod schema
// is the one source of truth: types come from it, every edge parses with it.
import * as z from 'zod/mini';
import './zod-messages.js';
import { isoDateTime } from './iso.js';

export const CAMERA_TYPES = ['ANPR', 'CCTV', 'BWV', 'DRONE', 'SPEED', 'OTHER'] as const;
export const CameraType = z.enum(CAMERA_TYPES);
export type CameraType = z.infer<typeof CameraType>;

export const FACTOR_KEYS = ['nationalSecurity', 'seriousCrime', 'localCrime', 'communityConfidence'] as const;
export type FactorKey = (typeof FACTOR_KEYS)[number];

export const MAX_CONSULTEES = 500;
/**
 * The longest consultation a proposal may set (its response deadline from the day it is opened).
 * With the DPO's and the approver's windows (at most 90 days each, close.ts) the whole lifecycle
 * stays inside Step Functions' one-year limit on a Standard execution.
 */
export const MAX_CONSULTATION_DAYS = 180;
export const MAX_RATING = 5;
export const EVIDENCE_MIN = 20;
export const EVIDENCE_MAX = 4000;

/** A message for a present-but-wrong value; a missing one still says `Required`. */
const unlessMissing = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'Required' : message;

/** A whole number in [min, max], with one message for every way of getting it wrong. */
const wholeNumber = (message: string, min: number, max: number) =>
  z.number({ error: unlessMissing(message) }).check(z.int(message), z.gte(min, message), z.lte(max, message));

export const text = (min: number, max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(min, min === 1 ? 'Required' : `Must be at least ${min} characters`),
      z.maxLength(max, `Must be at most ${max} characters`),
    );

/**
 * A single-line field (names, titles, organisations, the public area): text that can never carry a
 * line break or another control character into a mail header, a CSV row or a log line.
 */
export const line = (min: number, max: number) =>
  z.string().check(
    // Before the trim, so a control character at either end is refused too, not quietly cut.
    // \p{Cc}: C0 (CR, LF, NUL, tab...), DEL and C1 controls.
    z.refine(
      (value) => !/\p{Cc}/u.test(value),
      'Must be one line, without line breaks or control characters',
    ),
    z.trim(),
    z.minLength(min, min === 1 ? 'Required' : `Must be at least ${min} characters`),
    z.maxLength(max, `Must be at most ${max} characters`),
  );

export const EmailAddress = z
  .email({ error: unlessMissing('Invalid email address') })
  .check(z.maxLength(254, 'An e-mail address has at most 254 characters'));

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
});
export type Justification = z.infer<typeof Justification>;

const days = (label: string) =>
  wholeNumber(`${label} must be a whole number of days from 1 to 36500`, 1, 36500);

/** The national standard from the seed letter: twelve months stored, 90 days of normal access. */
export const DEFAULT_RETENTION = { localDays: 365, nationalDays: 365, standardAccessDays: 90 } as const;

export const Retention = z
  .strictObject({
    localDays: z._default(days('localDays'), DEFAULT_RETENTION.localDays),
    nationalDays: z._default(days('nationalDays'), DEFAULT_RETENTION.nationalDays),
    standardAccessDays: z._default(days('standardAccessDays'), DEFAULT_RETENTION.standardAccessDays),
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

/** The 12 guiding principles of the Surveillance Camera Code of Practice, as the checklist names them. */
export const GUIDING_PRINCIPLES = [
  'Use for a specified purpose in pursuit of a legitimate aim and a pressing need',
  'Take into account the effect on individuals and their privacy, with regular reviews',
  'As much transparency as possible, including a published contact point for access and complaints',
  'Clear responsibility and accountability for all activities, including images and information',
  'Clear rules, policies and procedures in place before use, communicated to all who need them',
  'No more images and information stored than strictly required, deleted once their purpose is met',
  'Access to retained images restricted, with clearly defined rules on who may gain access and why',
  'Operators follow approved operational, technical and competency standards',
  'Images and information subject to appropriate security measures against unauthorised access',
  'Effective review and audit that legal requirements, policies and standards are complied with',
  'Used in the most effective way to support public safety and law enforcement, with evidential value',
  'Any reference database used for matching is accurate and kept up to date',
] as const;

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
          message: `Duplicate e-mail address: already given for consultee ${earlier}`,
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

/** Opening a proposal additionally needs a deadline still ahead (scoring an old file does not). */
export function deadlineIssue(
  input: ProposalInput,
  now: Date,
): { path: string; message: string } | undefined {
  const deadline = Date.parse(input.responseDeadline);
  if (deadline <= now.getTime()) {
    return { path: 'responseDeadline', message: 'The response deadline must be in the future' };
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
