// The review page's unit tests' world (test/unit/review-page*.test.ts): an approval waiting on a
// proposal with two consultees (one objection, one late support), its review item and signed link,
// DynamoDB, Step Functions and Secrets Manager mocked, and the events and forms the tests post.
import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect } from 'vitest';
import { signReview } from '../../functions/review/link.js';
import { handler } from '../../functions/review/review.handler.js';
import type { ReviewRecord } from '../../functions/review/store.js';
import type { HttpEvent, HttpResult } from '../../functions/shared/http.js';
import { consulteeKey, proposalKey, replyKey, reviewKey } from '../../functions/shared/keys.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import { exampleJson, SCORED_EXAMPLE } from './records.js';
import { unitEnv } from './unit-env.js';

export const ddb = mockClient(DynamoDBDocumentClient);
export const sfn = mockClient(SFNClient);
export const secrets = mockClient(SecretsManagerClient);

export const KEY = randomBytes(32);
export const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAX-task-token-secret';
export const NOW = Date.now();
export const REVIEW_ID = 'Xq3v9Jw2mTQb0f8kL1nYzA';

export const input = ProposalInput.parse({
  ...exampleJson(),
  responseDeadline: new Date(NOW - 86_400_000).toISOString(),
});

export const proposal = (over: Partial<ProposalRecord> = {}): ProposalRecord => ({
  proposalId: 'p-1',
  reference: 'DPIA-2026-0007',
  createdAt: new Date(NOW - 20 * 86_400_000).toISOString(),
  createdBy: 'manager@police.example',
  updatedAt: new Date(NOW).toISOString(),
  status: 'awaiting-approval',
  input,
  pressingNeed: SCORED_EXAMPLE,
  consultation: {
    deadline: input.responseDeadline,
    mailed: 2,
    responded: 1,
    late: 1,
    bounced: 0,
    tally: { support: 0, concerns: 0, object: 1, unclassified: 0 },
    closedAt: input.responseDeadline,
  },
  executionArn: null,
  collectTaskToken: null,
  reviewId: REVIEW_ID,
  decisionId: null,
  ...over,
});

export const review = (over: Partial<ReviewRecord> = {}): ReviewRecord => ({
  reviewId: REVIEW_ID,
  proposalId: 'p-1',
  approverEmail: 's.okafor@police.example',
  approverName: 'Ch Supt Sarah Okafor',
  expiresAt: new Date(NOW + 10 * 86_400_000).toISOString(),
  state: 'open',
  taskToken: TASK_TOKEN,
  createdAt: new Date(NOW - 86_400_000).toISOString(),
  mailMarker: 'sent',
  ...over,
});

/** The review once its approver decided: `outcome` at `decidedAt`, with the fixed rationale. */
export const decidedReview = (outcome: 'approved' | 'rejected', decidedAt: string): ReviewRecord =>
  review({
    state: 'decided',
    decision: {
      outcome,
      rationale: RATIONALE,
      conditions: null,
      reviewDate: outcome === 'approved' ? '2027-12-01' : null,
      decidedBy: 's.okafor@police.example',
      decidedAt,
    },
  });

export const SIG = signReview(KEY, review());

export function partitionItems(p: ProposalRecord) {
  const [first, second] = input.consultees as [(typeof input.consultees)[0], (typeof input.consultees)[0]];
  const consultee = (c: typeof first, extra: object) => ({
    ...consulteeKey(p.proposalId, c.email),
    type: 'consultee',
    name: c.name,
    email: c.email,
    organisation: c.organisation,
    late: false,
    senderMismatch: false,
    respondedAt: null,
    comment: null,
    mailMarker: 'sent',
    replyId: null,
    mailedAt: null,
    ...extra,
  });
  const reply = (hash: string, c: typeof first, extra: object) => ({
    ...replyKey(p.proposalId, hash),
    type: 'reply',
    replyId: hash,
    proposalId: p.proposalId,
    consulteeEmail: c.email,
    kind: 'response',
    messageId: `<${hash}@mail.example>`,
    from: c.email,
    subject: `Re: [${p.reference}]`,
    senderMismatch: false,
    rawKey: `inbound/${hash}`,
    ...extra,
  });
  return [
    { ...proposalKey(p.proposalId), type: 'proposal', ...p },
    consultee(first, { status: 'responded', stance: 'object', comment: 'Too intrusive for a rural town.' }),
    consultee(second, { status: 'mailed', stance: null }),
    reply('aaa', first, {
      receivedAt: new Date(NOW - 3 * 86_400_000).toISOString(),
      stance: 'object',
      comment: 'Too intrusive for a rural town.',
      late: false,
    }),
    reply('bbb', second, {
      receivedAt: new Date(NOW - 3600_000).toISOString(),
      stance: 'support',
      comment: 'Happy to support <b>this</b>, sorry it is late.',
      late: true,
    }),
  ];
}

export function given(r: ReviewRecord | undefined, p: ProposalRecord = proposal()) {
  ddb
    .on(GetCommand, { Key: reviewKey(REVIEW_ID) })
    .resolves({ Item: r && { ...reviewKey(REVIEW_ID), ...r } });
  ddb.on(QueryCommand).resolves({ Items: partitionItems(p) });
}

export function event(
  method: 'GET' | 'POST',
  options: { sig?: string; body?: string; base64?: boolean; type?: string } = {},
) {
  const path = `/review/${REVIEW_ID}`;
  const body =
    options.body === undefined
      ? undefined
      : options.base64 === false
        ? options.body
        : Buffer.from(options.body).toString('base64');
  const e: HttpEvent = {
    version: '2.0',
    routeKey: `${method} /review/{reviewId}`,
    rawPath: path,
    rawQueryString: options.sig === undefined ? '' : `sig=${encodeURIComponent(options.sig)}`,
    headers: method === 'POST' ? { 'content-type': options.type ?? 'application/x-www-form-urlencoded' } : {},
    ...(options.sig === undefined ? {} : { queryStringParameters: { sig: options.sig } }),
    pathParameters: { reviewId: REVIEW_ID },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: `${method} /review/{reviewId}`,
      stage: '$default',
      time: new Date(NOW).toUTCString(),
      timeEpoch: NOW,
    },
    isBase64Encoded: body !== undefined && options.base64 !== false,
    ...(body === undefined ? {} : { body }),
  };
  return e;
}

export const call = async (e: HttpEvent) =>
  (await handler(e, {} as Context)) as HttpResult & { body: string };
/** The fixture's tally has an objection: every approval below answers it (issue 19), unless a test says otherwise. */
export const CONSULTEE_RESPONSE =
  'The objection about data being kept too long is met by the 90-day normal access limit and the annual review.';
export const form = (fields: Record<string, string>) =>
  new URLSearchParams(
    fields.outcome === 'approved' && !('consulteeResponse' in fields)
      ? { consulteeResponse: CONSULTEE_RESPONSE, ...fields }
      : fields,
  ).toString();
export const RATIONALE = 'Clear pressing need; the objection is answered by the retention and access rules.';
/** The example's checklist marks principle 9 (security) as not met: an approval needs conditions. */
export const CONDITIONS = 'Encrypt the back-office link (principle 9) before go-live.';

/** The approver opening the link (with its signature) in a browser. */
export const openLink = () => call(event('GET', { sig: SIG }));
/** The approver's form posted under the link's signature, as their browser sends it. */
export const postForm = (fields: Record<string, string>) =>
  call(event('POST', { body: form({ sig: SIG, ...fields }) }));
/** An approval with the fixed rationale and conditions, and any further fields. */
export const postApproval = (extra: Record<string, string> = {}) =>
  postForm({ outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS, ...extra });
/** The view the review page rendered (the templates' stand-in writes a page as its view's JSON). */
export const pageView = (res: { body: string }) => JSON.parse(res.body.replace('<!-- review -->', ''));
/** What the decision told the waiting workflow. */
export const taskOutput = () =>
  JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');

export const writes = () => ddb.commandCalls(UpdateCommand).length + ddb.commandCalls(PutCommand).length;

export function expectNothingChanged() {
  expect(writes()).toBe(0);
  expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
}

/** The mocks' answers and the settings every review-page test starts from. */
export function useReviewPageWorld(): void {
  unitEnv({ DPIA_REVIEW_KEY_SECRET_ID: 'camera-dpia/review-link-key' });

  beforeEach(() => {
    ddb.reset();
    sfn.reset();
    secrets.reset();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY.toString('base64') });
    ddb.on(UpdateCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
  });
}
