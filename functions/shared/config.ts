// Names of the environment variables the handlers read, and the defaults both stacks share.
// Handlers read configuration only from the environment: the CDK sets it on AWS, the local
// runner sets it before loading them.
/**
 * The names most bundles read, apart as well as in ENV: a function that reads only the table (and
 * the review-link key) does not bundle the whole of ENV with every other name (issue 17).
 */
export const TABLE_NAME_ENV = 'DPIA_TABLE_NAME';
export const REVIEW_KEY_SECRET_ID_ENV = 'DPIA_REVIEW_KEY_SECRET_ID';

export const ENV = {
  tableName: TABLE_NAME_ENV,
  rawMailBucket: 'DPIA_RAW_MAIL_BUCKET',
  evidenceBucket: 'DPIA_EVIDENCE_BUCKET',
  inboundDomain: 'DPIA_INBOUND_DOMAIN',
  senderAddress: 'DPIA_SENDER_ADDRESS',
  publicBaseUrl: 'DPIA_PUBLIC_BASE_URL',
  stateMachineArn: 'DPIA_STATE_MACHINE_ARN',
  reviewKeySecretId: REVIEW_KEY_SECRET_ID_ENV,
  approvalTimeoutDays: 'DPIA_APPROVAL_TIMEOUT_DAYS',
  dpoTimeoutDays: 'DPIA_DPO_TIMEOUT_DAYS',
  /** Issue 14: who gets the monthly reviews digest (comma-separated addresses of managers). */
  reviewDigestTo: 'DPIA_REVIEW_DIGEST_TO',
  /** The reminder state machine (workflows/dpia-reminder.asl.json): one execution per reminder. */
  reminderStateMachineArn: 'DPIA_REMINDER_STATE_MACHINE_ARN',
  /** Hours before the consultation deadline that consultees with no reply are reminded (SPEC 10). */
  reminderHours: 'DPIA_REMINDER_HOURS',
  /** Hours after the review link was sent that an undecided approver is reminded (SPEC 10). */
  approvalReminderHours: 'DPIA_APPROVAL_REMINDER_HOURS',
  /** `true` on the local stack only: the web pages offer a pick-a-role sign-in instead of Cognito. */
  localSignIn: 'DPIA_LOCAL_SIGNIN',
  /** The local SES sent-mail viewer, linked from the front page so a person sees what was mailed. */
  mailViewerUrl: 'DPIA_MAIL_VIEWER_URL',
  /** Cognito hosted UI for the web sign-in on AWS: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  cognitoDomain: 'DPIA_COGNITO_DOMAIN',
  cognitoClientId: 'DPIA_COGNITO_CLIENT_ID',
  /** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`: the ID token's issuer and JWKS. */
  cognitoIssuer: 'DPIA_COGNITO_ISSUER',
  /** Issue 20: the shortest consultation a proposal may set, in days (default 14; 0 in test stacks). */
  minConsultationDays: 'DPIA_MIN_CONSULTATION_DAYS',
  /** Issue 19: the scoring policy a proposal is scored under when it names none (default 2026.1, SPEC 4). */
  scoringPolicy: 'DPIA_SCORING_POLICY',
  /** Where the deployment put @sparticuz/chromium's bin/ directory (the PDF function only). */
  chromiumBin: 'DPIA_CHROMIUM_BIN',
} as const;

export const DEFAULTS = {
  region: 'eu-west-2',
  tableName: 'camera-dpia',
  rawMailBucket: 'camera-dpia-inbound-mail',
  evidenceBucket: 'camera-dpia-evidence',
  /** SES stores each received message under this prefix, keyed by the SES message id. */
  rawMailPrefix: 'inbound/',
  /** Everything kept in the evidence bucket is under this prefix (functions/shared/mail-archive.ts). */
  evidencePrefix: 'evidence/',
  /** Bodies too big for a Lambda response, fetched once through a presigned URL (shared/large-body.ts). */
  downloadsPrefix: 'downloads/',
  inboundDomain: 'replies.camera-dpia.test',
  senderAddress: 'dpia@camera-dpia.test',
  stateMachineName: 'camera-dpia-lifecycle',
  reminderStateMachineName: 'camera-dpia-reminder',
  /** SPEC 10: both reminders default to 72 hours. */
  reminderHours: 72,
  approvalReminderHours: 72,
} as const;

/** The S3 key of a received message: the same scheme the SES receipt rule's S3 action uses. */
export const rawMailKey = (sesMessageId: string): string => `${DEFAULTS.rawMailPrefix}${sesMessageId}`;
