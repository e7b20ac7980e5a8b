// The deployment's context parameters (cdk.json `context`, or `-c dpia:<name>=<value>`), checked
// before any construct exists: a missing or malformed one stops synth with one line saying which.
import { z } from 'zod';

/** Thrown for a bad context parameter; app.ts prints its message alone, without a stack trace. */
export class DeploymentConfigError extends Error {
  override readonly name = 'DeploymentConfigError';
}

/** Context keys are namespaced so they sit apart from the CDK's feature flags in cdk.json. */
export const CONTEXT_PREFIX = 'dpia:';

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a DNS domain name');
const emailAddress = z.string().trim().toLowerCase().pipe(z.email('must be an e-mail address'));
const days = z.coerce.number().int('must be a whole number of days').min(1).max(36_500);

const DeploymentConfigSchema = z
  .object({
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region')
      .optional(),
    sendingDomain: domainName,
    senderAddress: emailAddress,
    inboundDomain: domainName,
    alarmEmail: emailAddress,
    rawMailRetentionDays: days,
    evidenceRetentionDays: days,
    logRetentionDays: z.coerce
      .number()
      .refine((n) => LOG_RETENTION_DAYS.includes(n), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`),
    // At most 90 days each: with a consultation of at most 180 days the lifecycle fits in a
    // Standard execution's year (functions/consultation/close.ts MAX_WINDOW_DAYS).
    approvalTimeoutDays: z.coerce.number().positive().max(90).default(14),
    dpoTimeoutDays: z.coerce.number().positive().max(90).default(7),
    reviewDigestTo: z
      .string()
      .trim()
      .refine(
        (list) => list === '' || list.split(',').every((a) => z.email().safeParse(a.trim()).success),
        'must be e-mail addresses separated by commas',
      )
      .default(''),
    reminderHours: z.coerce.number().positive().default(72),
    // Issue 20: the shortest consultation; below the 180-day cap on a deadline.
    minConsultationDays: z.coerce.number().int().min(0).max(179).default(14),
    // Issue 19: the scoring policy for a proposal that names none.
    scoringPolicy: z.enum(['2026.1', '2026.2']).default('2026.1'),
    approvalReminderHours: z.coerce.number().positive().default(72),
    publicBaseUrl: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).optional(),
    signInDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and hyphens')
      .refine((p) => !/aws|amazon|cognito/.test(p), 'must not contain aws, amazon or cognito')
      .optional(),
  })
  .superRefine((config, ctx) => {
    const domain = config.senderAddress.split('@')[1] ?? '';
    if (!isAtOrUnder(domain, config.sendingDomain)) {
      ctx.addIssue({
        code: 'custom',
        path: ['senderAddress'],
        message: `must be an address at ${config.sendingDomain} (the SES sending identity)`,
      });
    }
  });

export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;
type ParameterName = keyof z.input<typeof DeploymentConfigSchema>;

/** What each parameter is for: the error line names it, so a first deployment needs no docs. */
const HINTS: Record<ParameterName, string> = {
  region: 'the AWS region, e.g. eu-west-2; default: the CLI profile region',
  sendingDomain: 'the SES identity mail is sent from, e.g. example.police.uk',
  senderAddress: 'the From address, e.g. dpia@example.police.uk',
  inboundDomain:
    'the domain consultees reply to, its MX pointing at SES, e.g. dpia-replies.example.police.uk',
  alarmEmail: 'who is mailed when an alarm fires',
  rawMailRetentionDays: 'days a received reply is kept in S3, e.g. 2190',
  evidenceRetentionDays: 'days an evidence pack is kept in S3, e.g. 2190',
  logRetentionDays: 'days CloudWatch keeps function, workflow and access logs, e.g. 365',
  approvalTimeoutDays: 'days an approver has before the proposal expires; default 14',
  dpoTimeoutDays: 'days the DPO has to advise before the proposal goes to the approver without it; default 7',
  reviewDigestTo:
    'managers who get the monthly reviews digest, comma-separated e-mail addresses; default none',
  minConsultationDays: 'the fewest days a consultation may last (response deadline from opening); default 14',
  scoringPolicy:
    'the pressing-need policy for proposals that name none: 2026.1 or 2026.2; default 2026.1 (SPEC 4)',
  reminderHours: 'hours before the deadline that consultees with no reply are reminded; default 72',
  approvalReminderHours: 'hours after the review link that an undecided approver is reminded; default 72',
  publicBaseUrl: 'the https URL review links start with, when a custom domain fronts the API',
  signInDomainPrefix: 'the Cognito hosted-UI prefix for the web sign-in; default camera-dpia-<account id>',
};

/**
 * Reads and checks every `dpia:` context parameter. All problems are reported together, on one
 * line, so a first deployment learns everything it must set in one try.
 */
export function readDeploymentConfig(context: (key: string) => unknown): DeploymentConfig {
  const raw = Object.fromEntries(
    (Object.keys(HINTS) as ParameterName[]).map((name) => {
      const value = context(`${CONTEXT_PREFIX}${name}`);
      return [name, value === '' || value === null ? undefined : value];
    }),
  );
  const parsed = DeploymentConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]) as ParameterName;
    const key = `${CONTEXT_PREFIX}${name}`;
    return raw[name] === undefined
      ? `missing ${key} (${HINTS[name]})`
      : `${key}=${JSON.stringify(raw[name])} ${issue.message}`;
  });
  throw new DeploymentConfigError(
    `Context parameter problem: ${problems.join('; ')}. ` +
      `Set it in cdk.json or pass -c ${CONTEXT_PREFIX}<name>=<value>.`,
  );
}

/** A verified SES domain identity also covers its subdomains. */
export const isAtOrUnder = (domain: string, parent: string): boolean =>
  domain === parent || domain.endsWith(`.${parent}`);
