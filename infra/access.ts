// What each function may do, read off its code: the DynamoDB calls it makes, the workflow calls,
// and whether it mails, reads received mail or the review-link key. The stateless stack turns this
// into IAM statements and environment variables; test/infra/access.test.ts bundles every handler
// and fails when its code makes a call that is not listed here, or stops making one that is.
import type { ENV } from '../functions/shared/config.js';

/** DynamoDB actions, granted on the table and its named indexes (never `index/*`). */
export type TableAction = 'GetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem';
/** Step Functions actions: StartExecution on the lifecycle state machine, the others on its executions. */
export type WorkflowAction =
  | 'StartExecution'
  | 'StopExecution'
  | 'SendTaskSuccess'
  | 'GetExecutionHistory'
  | 'RedriveExecution';
/** Settings a function reads that no grant below implies. */
export type Setting = keyof Pick<
  typeof ENV,
  | 'inboundDomain'
  | 'publicBaseUrl'
  | 'approvalTimeoutDays'
  | 'dpoTimeoutDays'
  | 'reviewDigestTo'
  | 'reminderHours'
  | 'approvalReminderHours'
  | 'cognitoDomain'
  | 'cognitoClientId'
  | 'cognitoIssuer'
  | 'chromiumBin'
  | 'minConsultationDays'
  | 'scoringPolicy'
>;

export interface FunctionAccess {
  table: TableAction[];
  workflow?: WorkflowAction[];
  /** ses:SendEmail from the sender address; sets DPIA_SENDER_ADDRESS. */
  sendsMail?: true;
  /** ses:GetSendQuota (account-wide: the action has no resource), to pace a fan-out under MaxSendRate. */
  readsSendQuota?: true;
  /** s3:GetObject under inbound/ in the raw-mail bucket; sets DPIA_RAW_MAIL_BUCKET. */
  readsRawMail?: true;
  /** s3:PutObject under evidence/ in the evidence bucket (copies of sent mail); sets DPIA_EVIDENCE_BUCKET. */
  archivesMail?: true;
  /** s3:ListBucket and s3:GetObject under evidence/ in the evidence bucket; sets DPIA_EVIDENCE_BUCKET. */
  readsEvidence?: true;
  /**
   * s3:PutObject and s3:GetObject under downloads/ in the evidence bucket: a body over Lambda's 6 MB
   * goes there and the caller gets a presigned URL (functions/shared/large-body.ts); sets DPIA_EVIDENCE_BUCKET.
   */
  servesLargeBodies?: true;
  /** secretsmanager:GetSecretValue on the review-link key; sets DPIA_REVIEW_KEY_SECRET_ID. */
  readsReviewKey?: true;
  /**
   * states:StartExecution on the reminder state machine only (never the lifecycle): the function
   * schedules reminders (functions/reminders/schedule.ts); sets DPIA_REMINDER_STATE_MACHINE_ARN.
   */
  schedulesReminders?: true;
  settings?: Setting[];
  /** Renders templates/: the bundle gets a copy of the directory next to index.mjs. */
  templates?: true;
}

const READ_WRITE: TableAction[] = ['GetItem', 'Query', 'PutItem', 'UpdateItem'];

/**
 * The consultation letters and their reminders: a fresh reply token for each consultee, written 25 to
 * a BatchWriteItem before the mails go, each mail paced under the account's MaxSendRate (the quota)
 * and its copy kept as evidence.
 */
const MAILS_CONSULTEES: FunctionAccess = {
  table: [...READ_WRITE, 'BatchWriteItem'],
  sendsMail: true,
  readsSendQuota: true,
  archivesMail: true,
  templates: true,
};

/**
 * The approver's and the DPO's request tasks (functions/shared/store/signed-links.ts mailLinkOnce):
 * each opens a signed-link item on the proposal, signs the link with the review-link key, mails it
 * with a copy kept as evidence, and schedules the person's one reminder once the link is out.
 */
const MAILS_SIGNED_LINK: FunctionAccess = {
  table: ['GetItem', 'PutItem', 'UpdateItem'],
  sendsMail: true,
  archivesMail: true,
  readsReviewKey: true,
  schedulesReminders: true,
  templates: true,
};

export const functionAccess: Record<string, FunctionAccess> = {
  'create-proposal': {
    table: ['GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem'],
    workflow: ['StartExecution'],
    // Issue 20: the shortest consultation a proposal may set.
    settings: ['minConsultationDays'],
  },
  'list-proposals': { table: ['Query'] },
  'get-proposal': { table: ['GetItem', 'Query'] },
  'get-evidence': {
    table: ['GetItem', 'Query'],
    readsRawMail: true,
    readsEvidence: true,
    servesLargeBodies: true,
  },
  // SPEC 11: the DPIA document for managers and auditors.
  'get-dpia': { table: ['GetItem', 'Query'], servesLargeBodies: true, templates: true },
  // The approver's and the DPO's signed links to the document: the link key checks the signature.
  'signed-dpia': {
    table: ['GetItem', 'Query'],
    readsReviewKey: true,
    servesLargeBodies: true,
    templates: true,
  },
  'get-dpia-pdf': {
    table: ['GetItem', 'Query'],
    servesLargeBodies: true,
    templates: true,
    settings: ['chromiumBin'],
  },
  // The review key signs the web session cookie that the /app route of the PDF checks (a revoked
  // session is a GetItem).
  'web-dpia-pdf': {
    table: ['GetItem', 'Query'],
    readsReviewKey: true,
    servesLargeBodies: true,
    templates: true,
    settings: ['chromiumBin'],
  },
  // Issue 20: the consultees, the approver and the DPO are told by mail (templates/withdrawal).
  'withdraw-proposal': {
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
    workflow: ['StopExecution'],
    sendsMail: true,
    archivesMail: true,
    templates: true,
  },
  'record-ico-consultation': { table: ['GetItem', 'PutItem', 'UpdateItem'] },
  // Issue 19: the manager completes the assessment while the proposal is open.
  'update-assessment': { table: ['GetItem', 'PutItem', 'UpdateItem'] },
  // Issue 19: conditions marked done with evidence, and the open ones listed (status index).
  conditions: { table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
  // Run by the EventBridge rule on a failed execution: reads its history for the failed step.
  'mark-failed': { table: ['GetItem', 'PutItem', 'UpdateItem'], workflow: ['GetExecutionHistory'] },
  'redrive-proposal': { table: ['GetItem', 'PutItem', 'UpdateItem'], workflow: ['RedriveExecution'] },
  // Issue 19: the policy a proposal that names none is scored under.
  'score-proposal': { table: ['GetItem', 'PutItem', 'UpdateItem'], settings: ['scoringPolicy'] },
  'send-consultation': {
    ...MAILS_CONSULTEES,
    // The consultees' reminder is scheduled once the letters are out.
    schedulesReminders: true,
    settings: ['inboundDomain', 'reminderHours'],
  },
  'collect-responses': { table: ['Query', 'UpdateItem'], workflow: ['SendTaskSuccess'] },
  'close-consultation': { table: READ_WRITE, settings: ['approvalTimeoutDays', 'dpoTimeoutDays'] },
  'inbound-mail': { table: READ_WRITE, workflow: ['SendTaskSuccess'], readsRawMail: true },
  'accept-reply': { table: READ_WRITE, workflow: ['SendTaskSuccess'] },
  // Reads the proposal, reply and consultees; corrects the reply, the consultee and the counts.
  'reclassify-reply': { table: READ_WRITE },
  'request-approval': {
    ...MAILS_SIGNED_LINK,
    settings: ['publicBaseUrl', 'approvalTimeoutDays', 'approvalReminderHours'],
  },
  review: {
    table: ['GetItem', 'Query', 'UpdateItem'],
    workflow: ['SendTaskSuccess'],
    readsReviewKey: true,
    templates: true,
  },
  'request-dpo-advice': {
    ...MAILS_SIGNED_LINK,
    settings: ['publicBaseUrl', 'dpoTimeoutDays', 'approvalReminderHours'],
  },
  'dpo-advice': {
    table: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
    workflow: ['SendTaskSuccess'],
    readsReviewKey: true,
    templates: true,
  },
  'record-dpo-silence': { table: ['GetItem', 'PutItem', 'UpdateItem'] },
  'reissue-review-link': { table: ['GetItem', 'PutItem', 'UpdateItem'], workflow: ['SendTaskSuccess'] },
  'mark-expired': { table: ['GetItem', 'PutItem', 'UpdateItem'] },
  'send-reminder': {
    // Consultees' reminders as the letters go; the approver's and the DPO's repeat their signed links.
    ...MAILS_CONSULTEES,
    readsReviewKey: true,
    settings: ['inboundDomain', 'publicBaseUrl'],
  },
  // DeleteItem: a decided review takes the reviewed installation's own entry off the public register.
  'record-decision': { table: [...READ_WRITE, 'DeleteItem'] },
  // readsSendQuota: the outcome mails are paced under the account's MaxSendRate.
  'notify-outcome': {
    table: READ_WRITE,
    sendsMail: true,
    readsSendQuota: true,
    archivesMail: true,
    templates: true,
  },
  'list-decisions': { table: ['Query'] },
  'list-reviews-due': { table: ['Query', 'GetItem'] },
  'get-decision': { table: ['GetItem'] },
  // Issue 14: the monthly reviews digest, claimed once a month for each manager on the list.
  'send-review-digest': {
    table: ['Query', 'GetItem', 'PutItem', 'UpdateItem'],
    sendsMail: true,
    // The shared mailer can keep evidence copies; the digest belongs to no proposal and keeps none.
    archivesMail: true,
    settings: ['publicBaseUrl', 'reviewDigestTo'],
    templates: true,
  },
  'verify-audit': { table: ['Query', 'GetItem'] },
  // SPEC 11: reads register entries, a Query on the register's index partitions.
  'public-register': { table: ['Query'], settings: ['publicBaseUrl'], templates: true },
  // SPEC 11: a register entry by reference (GetItem) and, for a listed proposal only, what its
  // public DPIA edition is rendered from (the proposal's partition: Query; its decision and the
  // chain's anchor: GetItem).
  'public-dpia': { table: ['GetItem', 'Query'], templates: true },
  // The web pages (one function per route group, functions/routes.ts WEB_PAGES) act for a signed-in
  // manager or auditor, so each needs what its pages' API routes need, and no more. Every one reads
  // the review-link key: the session cookie is signed with a key derived from it, and a sign-out
  // (web-home) records the session as revoked (PutItem), which every page checks (GetItem).
  'web-home': {
    table: ['GetItem', 'Query', 'PutItem'],
    readsReviewKey: true,
    // Cognito's hosted sign-in, which returns to publicBaseUrl's /app/auth/callback when one is set.
    settings: ['publicBaseUrl', 'cognitoDomain', 'cognitoClientId', 'cognitoIssuer'],
    templates: true,
  },
  'web-proposal': { table: ['GetItem', 'Query'], readsReviewKey: true, templates: true },
  // A draft or a proposal under review is read (GetItem) to fill the form.
  'web-proposal-form': { table: ['GetItem'], readsReviewKey: true, templates: true },
  'web-proposal-create': {
    // DeleteItem: a draft goes once it is opened as a proposal (issue 20).
    table: ['GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem', 'DeleteItem'],
    workflow: ['StartExecution'],
    readsReviewKey: true,
    settings: ['minConsultationDays'],
    templates: true,
  },
  'web-assessment': {
    table: ['GetItem', 'PutItem', 'UpdateItem'],
    // SendTaskSuccess: a manager's "new review link" button (functions/review/reissue.ts).
    workflow: ['SendTaskSuccess'],
    readsReviewKey: true,
    templates: true,
  },
  'web-consultation': {
    table: READ_WRITE,
    // SendTaskSuccess: an accepted reply may close the consultation; StopExecution: withdrawal.
    workflow: ['SendTaskSuccess', 'StopExecution'],
    readsReviewKey: true,
    // A withdrawal from the page tells the consultees, the approver and the DPO (issue 20).
    sendsMail: true,
    archivesMail: true,
    templates: true,
  },
  'web-documents': {
    table: ['GetItem', 'Query'],
    // The evidence pack download for auditors (functions/proposals/evidence.ts).
    readsRawMail: true,
    readsEvidence: true,
    // The evidence pack and the DPIA document past Lambda's 6 MB.
    servesLargeBodies: true,
    readsReviewKey: true,
    templates: true,
  },
  'web-decisions': { table: ['GetItem', 'Query'], readsReviewKey: true, templates: true },
};

/** The access of a registered function; a function added to the registry without a line here stops synth. */
export function accessOf(functionName: string): FunctionAccess {
  const access = functionAccess[functionName];
  if (!access) {
    throw new Error(
      `infra/access.ts has no entry for function '${functionName}': add what it may do (test/infra/access.test.ts says what its code calls).`,
    );
  }
  return access;
}
