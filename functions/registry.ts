// Every Lambda function of camera-dpia: the CDK stack deploys this list and the local stack
// loads the same handler modules from it, so the two cannot drift. A function named
// `send-consultation` fills `${SendConsultationFunctionArn}` in the state-machine file.
export interface FunctionSpec {
  /** Short name; the deployed function is `camera-dpia-<name>`. */
  name: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  /** Default DEFAULT_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
  /** Default 512. */
  memoryMB?: number;
  /**
   * Prints with headless Chromium: deployed on x86_64 (the only build @sparticuz/chromium ships)
   * with the package's bin/ directory and playwright-core copied into the bundle.
   */
  chromium?: true;
}

export const FUNCTION_PREFIX = 'camera-dpia-';

/** A function's timeout when its entry names none: the CDK deploys it and the local stack keeps to it. */
export const DEFAULT_TIMEOUT_SECONDS = 15;

export const functionRegistry: FunctionSpec[] = [
  { name: 'create-proposal', entry: 'functions/proposals/create.handler.ts', description: 'POST /proposals' },
  { name: 'list-proposals', entry: 'functions/proposals/list.handler.ts', description: 'GET /proposals' },
  { name: 'get-proposal', entry: 'functions/proposals/get.handler.ts', description: 'GET /proposals/{id}' },
  {
    name: 'get-evidence',
    entry: 'functions/proposals/evidence.handler.ts',
    description: 'GET /proposals/{id}/evidence',
    // Within API Gateway's 30 s: a pack past Lambda's 6 MB goes out as a presigned URL instead.
    timeoutSeconds: 28,
  },
  // SPEC 11: the DPIA document, HTML (for managers and auditors; from the approver's and the DPO's
  // signed links: signed-dpia, which alone reads the link key) and PDF.
  {
    name: 'get-dpia',
    entry: 'functions/dpia/dpia.handler.ts',
    description: 'GET /proposals/{id}/dpia',
  },
  {
    name: 'signed-dpia',
    entry: 'functions/dpia/signed.handler.ts',
    description: 'GET /review/{reviewId}/dpia, GET /dpo/{adviceId}/dpia',
  },
  {
    name: 'get-dpia-pdf',
    entry: 'functions/dpia/pdf.handler.ts',
    description: 'GET /proposals/{id}/dpia.pdf',
    // Within API Gateway's 30 s; a cold start that unpacks Chromium takes a few seconds of it.
    timeoutSeconds: 28,
    memoryMB: 2048,
    chromium: true,
  },
  // The same PDF for the web pages, by the session cookie: only this one bundles the session's JWT
  // library and reads the key that signs it (issue 17).
  {
    name: 'web-dpia-pdf',
    entry: 'functions/dpia/web-pdf.handler.ts',
    description: 'GET /app/proposals/{id}/dpia.pdf',
    timeoutSeconds: 28,
    memoryMB: 2048,
    chromium: true,
  },
  {
    name: 'withdraw-proposal',
    entry: 'functions/proposals/withdraw.handler.ts',
    description: 'POST /proposals/{id}/withdraw',
  },
  {
    name: 'record-ico-consultation',
    entry: 'functions/proposals/ico.handler.ts',
    description: 'POST /proposals/{id}/ico-consultation',
  },
  {
    name: 'update-assessment',
    entry: 'functions/proposals/assessment.handler.ts',
    description: 'PUT /proposals/{id}/assessment',
  },
  {
    name: 'conditions',
    entry: 'functions/proposals/conditions.handler.ts',
    description: 'POST /proposals/{id}/conditions/{n}/done, GET /conditions/open',
  },
  {
    name: 'mark-failed',
    entry: 'functions/proposals/fail.handler.ts',
    description: 'EventBridge: a lifecycle execution failed or timed out',
  },
  {
    name: 'redrive-proposal',
    entry: 'functions/proposals/redrive.handler.ts',
    description: 'POST /proposals/{id}/redrive',
  },
  {
    name: 'score-proposal',
    entry: 'functions/scoring/score.handler.ts',
    description: 'ScorePressingNeed state',
  },
  {
    name: 'send-consultation',
    entry: 'functions/consultation/send.handler.ts',
    description: 'SendConsultation state: one mail per consultee',
    timeoutSeconds: 600,
  },
  {
    name: 'collect-responses',
    entry: 'functions/consultation/collect.handler.ts',
    description: 'CollectResponses state: keeps the task token',
  },
  {
    name: 'close-consultation',
    entry: 'functions/consultation/close.handler.ts',
    description: 'CloseConsultation state',
  },
  {
    name: 'inbound-mail',
    entry: 'functions/replies/inbound.handler.ts',
    description: 'SES receipt rule: a consultee reply',
    timeoutSeconds: 60,
  },
  {
    name: 'accept-reply',
    entry: 'functions/replies/accept.handler.ts',
    description: 'POST /proposals/{id}/replies/{replyId}/accept',
  },
  {
    name: 'reclassify-reply',
    entry: 'functions/replies/reclassify.handler.ts',
    description: 'POST /proposals/{id}/replies/{replyId}/stance',
  },
  {
    name: 'request-approval',
    entry: 'functions/review/request.handler.ts',
    description: 'RequestApproval state',
  },
  { name: 'review', entry: 'functions/review/review.handler.ts', description: 'GET/POST /review/{reviewId}' },
  {
    name: 'request-dpo-advice',
    entry: 'functions/dpo/request.handler.ts',
    description: 'RequestDpoAdvice state: mails the DPO a signed link',
  },
  { name: 'dpo-advice', entry: 'functions/dpo/advice.handler.ts', description: 'GET/POST /dpo/{adviceId}' },
  {
    name: 'record-dpo-silence',
    entry: 'functions/dpo/silence.handler.ts',
    description: 'RecordDpoSilence state: the DPO did not advise in time',
  },
  {
    name: 'reissue-review-link',
    entry: 'functions/review/reissue.handler.ts',
    description: 'POST /proposals/{id}/review-link',
  },
  {
    name: 'mark-expired',
    entry: 'functions/review/expire.handler.ts',
    description: 'MarkApprovalExpired state',
  },
  {
    name: 'send-reminder',
    entry: 'functions/reminders/send.handler.ts',
    description: 'SendReminder state of the reminder workflow: one reminder, once',
    timeoutSeconds: 600,
  },
  {
    name: 'record-decision',
    entry: 'functions/decisions/record.handler.ts',
    description: 'RecordDecision state',
  },
  {
    name: 'notify-outcome',
    entry: 'functions/decisions/notify.handler.ts',
    description: 'NotifyOutcome state',
    // A slice of NOTIFY_SLICE_SECONDS and its marks; the state machine loops for the rest.
    timeoutSeconds: 120,
  },
  { name: 'list-decisions', entry: 'functions/decisions/list.handler.ts', description: 'GET /decisions' },
  {
    name: 'list-reviews-due',
    entry: 'functions/review-cycle/due.handler.ts',
    description: 'GET /reviews/due',
  },
  {
    name: 'get-decision',
    entry: 'functions/decisions/get.handler.ts',
    description: 'GET /decisions/{decisionId}',
  },
  {
    name: 'send-review-digest',
    entry: 'functions/review-cycle/digest.handler.ts',
    description: 'Monthly: mails managers the reviews overdue or due in 60 days',
    timeoutSeconds: 120,
  },
  { name: 'verify-audit', entry: 'functions/audit/verify.handler.ts', description: 'GET /audit/verify' },
  // SPEC 11: the public camera register (HTML, CSV, JSON) and the public edition of listed DPIAs,
  // two functions so that the register's lists do not bundle the DPIA document (issue 17).
  {
    name: 'public-register',
    entry: 'functions/register/register.handler.ts',
    description: 'GET /register[.csv|.json]',
  },
  {
    name: 'public-dpia',
    entry: 'functions/register/dpia.handler.ts',
    description: 'GET /register/{reference}/dpia',
  },
  // The web pages, one function per route group (issue 17: each bundles only its own pages' use
  // cases, within 100 KiB); functions/routes.ts (WEB_PAGES) says which route each serves.
  {
    name: 'web-home',
    entry: 'functions/web/home.handler.ts',
    description: 'The web pages: /, /sign-in, /sign-out, /app, /app/proposals, /app/dashboard',
  },
  {
    name: 'web-proposal',
    entry: 'functions/web/proposal.handler.ts',
    description: 'GET /app/proposals/{id}',
  },
  {
    name: 'web-proposal-form',
    entry: 'functions/web/proposal-form.handler.ts',
    description: 'GET /app/proposals/new',
  },
  {
    name: 'web-proposal-create',
    entry: 'functions/web/proposal-create.handler.ts',
    description: 'POST /app/proposals (the web form)',
  },
  {
    name: 'web-assessment',
    entry: 'functions/web/assessment.handler.ts',
    description: 'The web pages: assessment, conditions, ICO consultation, review link of a proposal',
  },
  {
    name: 'web-consultation',
    entry: 'functions/web/consultation.handler.ts',
    description: 'The web pages: reply triage and withdrawal of a proposal',
  },
  {
    name: 'web-documents',
    entry: 'functions/web/documents.handler.ts',
    description: 'GET /app/proposals/{id}/dpia, GET /app/proposals/{id}/evidence',
  },
  {
    name: 'web-decisions',
    entry: 'functions/web/decisions.handler.ts',
    description: 'GET /app/decisions[/export|/{decisionId}], GET /app/audit/verify',
  },
];

export const deployedFunctionName = (name: string): string => `${FUNCTION_PREFIX}${name}`;
