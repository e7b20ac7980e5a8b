// The review link's page and form post (SPEC §6), with DynamoDB, Step Functions and Secrets
// Manager mocked. The templates are replaced by a JSON dump of the view, so every value a page
// could show is in the body these tests search.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { signReview } from '../../functions/review/link.js';
import { handler } from '../../functions/review/review.handler.js';
import type { ReviewRecord } from '../../functions/review/store.js';
import type { HttpEvent, HttpResult } from '../../functions/shared/http.js';
import { consulteeKey, proposalKey, replyKey, reviewKey } from '../../functions/shared/keys.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import { unitEnv } from '../support/unit-env.js';

vi.mock('../../functions/shared/templates.js', () => ({
  renderPage: (name: string, view: object) => `<!-- ${name} -->${JSON.stringify(view)}`,
  renderMessage: (name: string, view: object) => ({
    subject: name,
    text: JSON.stringify(view),
    html: JSON.stringify(view),
  }),
}));

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);

const KEY = randomBytes(32);
const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAX-task-token-secret';
const NOW = Date.now();
const REVIEW_ID = 'Xq3v9Jw2mTQb0f8kL1nYzA';

const input = ProposalInput.parse({
  ...JSON.parse(readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8')),
  responseDeadline: new Date(NOW - 86_400_000).toISOString(),
});

const proposal = (over: Partial<ProposalRecord> = {}): ProposalRecord => ({
  proposalId: 'p-1',
  reference: 'DPIA-2026-0007',
  createdAt: new Date(NOW - 20 * 86_400_000).toISOString(),
  createdBy: 'manager@police.example',
  updatedAt: new Date(NOW).toISOString(),
  status: 'awaiting-approval',
  input,
  pressingNeed: {
    score: 65,
    band: 'clear',
    policyVersion: '2026.1',
    factors: [
      { factor: 'nationalSecurity', rating: 2, weight: 0.3, contribution: 12 },
      { factor: 'seriousCrime', rating: 4, weight: 0.3, contribution: 24 },
      { factor: 'localCrime', rating: 4, weight: 0.25, contribution: 20 },
      { factor: 'communityConfidence', rating: 3, weight: 0.15, contribution: 9 },
    ],
  },
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

const review = (over: Partial<ReviewRecord> = {}): ReviewRecord => ({
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

const SIG = signReview(KEY, review());

function partitionItems(p: ProposalRecord) {
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

function given(r: ReviewRecord | undefined, p: ProposalRecord = proposal()) {
  ddb
    .on(GetCommand, { Key: reviewKey(REVIEW_ID) })
    .resolves({ Item: r && { ...reviewKey(REVIEW_ID), ...r } });
  ddb.on(QueryCommand).resolves({ Items: partitionItems(p) });
}

function event(
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

const call = async (e: HttpEvent) => (await handler(e, {} as Context)) as HttpResult & { body: string };
/** The fixture's tally has an objection: every approval below answers it (issue 19), unless a test says otherwise. */
const CONSULTEE_RESPONSE =
  'The objection about data being kept too long is met by the 90-day normal access limit and the annual review.';
const form = (fields: Record<string, string>) =>
  new URLSearchParams(
    fields.outcome === 'approved' && !('consulteeResponse' in fields)
      ? { consulteeResponse: CONSULTEE_RESPONSE, ...fields }
      : fields,
  ).toString();
const RATIONALE = 'Clear pressing need; the objection is answered by the retention and access rules.';
/** The example's checklist marks principle 9 (security) as not met: an approval needs conditions. */
const CONDITIONS = 'Encrypt the back-office link (principle 9) before go-live.';

const writes = () => ddb.commandCalls(UpdateCommand).length + ddb.commandCalls(PutCommand).length;

function expectNothingChanged() {
  expect(writes()).toBe(0);
  expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
}

unitEnv({ DPIA_REVIEW_KEY_SECRET_ID: 'camera-dpia/review-link-key' });

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY.toString('base64') });
  ddb.on(UpdateCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('GET /review/{reviewId}', () => {
  it('shows the proposal in full, with the site, the factors, every reply and the form', async () => {
    given(review());
    const res = await call(event('GET', { sig: SIG }));
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<!-- review -->');
    const view = JSON.parse(res.body.replace('<!-- review -->', ''));
    expect(view.site).toEqual(input.site);
    expect(view.pressingNeed).toMatchObject({ score: 65, band: 'clear', policyVersion: '2026.1' });
    expect(view.pressingNeed.factors).toHaveLength(4);
    expect(view.pressingNeed.factors[1]).toMatchObject({ rating: 4, weightPercent: 30, points: 24 });
    expect(view.pressingNeed.factors[1].evidence).toContain('Organised acquisitive crime');
    expect(view.consultation.tally).toEqual({ support: 0, concerns: 0, object: 1, unclassified: 0 });
    expect(view.replies).toHaveLength(2);
    expect(view.replies[0]).toMatchObject({ stance: 'Object', counted: true, late: false });
    expect(view.replies[1]).toMatchObject({ stance: 'Support', counted: false, late: true });
    expect(view.replies[1].organisation).toBe(input.consultees[1]?.organisation);
    expect(view.checklist).toHaveLength(12);
    expect(view.checklist[8]).toMatchObject({ principle: 9, met: false });
    expect(view.risks?.length).toBeGreaterThan(0);
    expect(view.form).toMatchObject({
      action: `/review/${REVIEW_ID}`,
      sig: SIG,
      rationaleMin: 20,
      conditionsRequiredFor: 'principle 9',
    });
    expect(view.form.reviewDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number(view.form.reviewDate.slice(0, 4))).toBe(new Date(NOW).getUTCFullYear() + 1);
    expect(view.decided).toBeNull();
    expect(res.body).not.toContain(TASK_TOKEN);
    expect(writes()).toBe(0);
  });

  it('answers 404 as a page to a review id of 3 KB, without reaching DynamoDB (it was a 500)', async () => {
    const e = event('GET', { sig: SIG });
    const long = 'x'.repeat(3000);
    const res = await call({ ...e, pathParameters: { reviewId: long }, rawPath: `/review/${long}` });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('review-error');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 404 for an unknown review, as a page', async () => {
    given(undefined);
    const res = await call(event('GET', { sig: SIG }));
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('review-error');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['tampered', `${SIG.slice(0, -1)}${SIG.endsWith('A') ? 'B' : 'A'}`],
    ['for another approver', signReview(KEY, review({ approverEmail: 'someone.else@police.example' }))],
    [
      'for a later expiry',
      signReview(KEY, review({ expiresAt: new Date(NOW + 99 * 86_400_000).toISOString() })),
    ],
    ['made with another key', signReview(randomBytes(32), review())],
  ])('answers 403 to a %s signature and shows nothing of the proposal', async (_case, sig) => {
    given(review());
    const res = await call(event('GET', sig === undefined ? {} : { sig }));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('review-error');
    expect(res.body).not.toContain(input.site.description);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    ['the link has expired', review({ expiresAt: new Date(NOW - 1000).toISOString() }), proposal()],
    ['the review was voided', review({ state: 'void', voidReason: 'expired' }), proposal()],
    ['the proposal was withdrawn', review(), proposal({ status: 'withdrawn' })],
    ['the approval expired', review(), proposal({ status: 'expired' })],
  ])('answers 410 when %s', async (_case, r, p) => {
    given(r, p);
    const res = await call(event('GET', { sig: signReview(KEY, r) }));
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('review-error');
    expect(res.body).not.toContain(input.site.description);
  });

  it('says on the 410 page that the proposal was withdrawn and why, without the site or who withdrew it', async () => {
    const withdrawn = proposal({
      status: 'withdrawn',
      withdrawal: {
        at: new Date(NOW - 3600_000).toISOString(),
        by: 'j.manager@police.example',
        reason: `The highway authority is rebuilding the junction at ${input.site.description}; we will propose again.`,
      },
    });
    given(review({ state: 'void', voidReason: 'withdrawn' }), withdrawn);
    const res = await call(event('GET', { sig: SIG }));
    expect(res.statusCode).toBe(410);
    const view = JSON.parse(res.body.replace('<!-- review-error -->', ''));
    expect(view.heading).toBe('This proposal was withdrawn');
    expect(view.message).toContain('DPIA-2026-0007 was withdrawn by the DPIA team on');
    expect(view.message).toContain('The highway authority is rebuilding the junction at');
    expect(view.message).not.toContain(input.site.description);
    expect(view.message).not.toContain('j.manager');
  });

  it('answers 409 once decided, with a page saying who decided what and when instead of the form', async () => {
    const decidedAt = new Date(NOW - 3600_000).toISOString();
    given(
      review({
        state: 'decided',
        decision: {
          outcome: 'approved',
          rationale: RATIONALE,
          conditions: null,
          reviewDate: '2027-12-01',
          decidedBy: 's.okafor@police.example',
          decidedAt,
        },
      }),
    );
    const res = await call(event('GET', { sig: SIG }));
    expect(res.statusCode).toBe(409);
    expect(res.headers?.['content-type']).toMatch(/^text\/html/);
    const view = JSON.parse(res.body.replace('<!-- review -->', ''));
    expect(view.form).toBeNull();
    expect(view.decided).toMatchObject({
      outcome: 'approved',
      decidedByName: 'Ch Supt Sarah Okafor',
      decidedBy: 's.okafor@police.example',
      rationale: RATIONALE,
      reviewDate: '1 December 2027',
    });
    expect(res.body).not.toContain(TASK_TOKEN);
  });
});

describe('POST /review/{reviewId}', () => {
  it('records the decision once, sends it with the task token, and confirms', async () => {
    given(review());
    const res = await call(
      event('POST', {
        body: form({ sig: SIG, outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS }),
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<!-- review-confirmation -->');
    expect(res.body).not.toContain(TASK_TOKEN);

    const [update] = ddb.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      Key: reviewKey(REVIEW_ID),
      ConditionExpression: expect.stringContaining('#state = :open'),
    });
    const [sent] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(sent?.args[0].input.taskToken).toBe(TASK_TOKEN);
    const output = JSON.parse(sent?.args[0].input.output ?? '{}');
    expect(output).toEqual({
      outcome: 'approved',
      rationale: RATIONALE,
      conditions: CONDITIONS,
      // Issue 19: the objection answered, and the condition with its owner (the accountable post by
      // default) and due date (three months on by default).
      consulteeViews: { departsFrom: 'objections', count: 1, response: CONSULTEE_RESPONSE },
      conditionItems: [
        {
          n: 1,
          text: CONDITIONS,
          owner: input.owner?.role,
          dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        },
      ],
      reviewDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      decidedBy: 's.okafor@police.example',
      decidedAt: expect.any(String),
    });
    expect(Number(output.reviewDate.slice(0, 4))).toBe(new Date().getUTCFullYear() + 1);
  });

  it('reads a form API Gateway left as text, keeps conditions and a chosen review date', async () => {
    given(review());
    await call(
      event('POST', {
        base64: false,
        body: form({
          sig: SIG,
          outcome: 'approved',
          rationale: RATIONALE,
          conditions: '  Link encryption (principle 9) before go-live.  ',
          reviewDate: '2030-06-30',
        }),
      }),
    );
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');
    expect(output).toMatchObject({
      conditions: 'Link encryption (principle 9) before go-live.',
      reviewDate: '2030-06-30',
    });
  });

  it('gives a rejection no review date', async () => {
    given(review());
    await call(
      event('POST', {
        body: form({ sig: SIG, outcome: 'rejected', rationale: RATIONALE, reviewDate: '2030-01-01' }),
      }),
    );
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');
    expect(output).toMatchObject({ outcome: 'rejected', reviewDate: null });
  });

  it.each([
    ['a rationale under 20 characters', { outcome: 'approved', rationale: 'Looks fine to me.' }, 'rationale'],
    ['no rationale', { outcome: 'approved' }, 'rationale'],
    ['no outcome', { rationale: RATIONALE }, 'outcome'],
    ['an unknown outcome', { outcome: 'maybe', rationale: RATIONALE }, 'outcome'],
    [
      'a review date that is not a date',
      { outcome: 'approved', rationale: RATIONALE, reviewDate: 'next year' },
      'reviewDate',
    ],
    [
      'a review date in the past',
      { outcome: 'approved', rationale: RATIONALE, reviewDate: '2020-01-01' },
      'reviewDate',
    ],
    [
      'an approval without conditions while principle 9 of the Code is not met',
      { outcome: 'approved', rationale: RATIONALE },
      'conditions',
    ],
    [
      'an approval whose conditions are only spaces while principle 9 is not met',
      { outcome: 'approved', rationale: RATIONALE, conditions: '   ' },
      'conditions',
    ],
  ])(
    'answers 400 to %s, re-renders the form with the error and changes nothing',
    async (_case, fields, field) => {
      given(review());
      const res = await call(event('POST', { body: form({ sig: SIG, ...fields }) }));
      expect(res.statusCode).toBe(400);
      const view = JSON.parse(res.body.replace('<!-- review -->', ''));
      expect(view.hasErrors).toBe(true);
      expect(view.form.fieldErrors[field]).toEqual(expect.any(String));
      expect(view.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(view.form.sig).toBe(SIG);
      if ('rationale' in fields) expect(view.form.rationale).toBe(fields.rationale);
      if (field === 'conditions') expect(view.form.fieldErrors.conditions).toContain('principle 9');
      expect(res.body).not.toContain(TASK_TOKEN);
      expectNothingChanged();
    },
  );

  it('answers 403 to a tampered signature and changes nothing', async () => {
    given(review());
    const bad = `${SIG.slice(0, 10)}${SIG[10] === 'x' ? 'y' : 'x'}${SIG.slice(11)}`;
    const res = await call(
      event('POST', { body: form({ sig: bad, outcome: 'approved', rationale: RATIONALE }) }),
    );
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('review-error');
    expectNothingChanged();
  });

  it('answers 403 when the signature came only in the query string, not the form', async () => {
    given(review());
    const res = await call(
      event('POST', { sig: SIG, body: form({ outcome: 'approved', rationale: RATIONALE }) }),
    );
    expect(res.statusCode).toBe(403);
    expectNothingChanged();
  });

  it('answers 410 to an expired link and changes nothing', async () => {
    const r = review({ expiresAt: new Date(NOW - 1000).toISOString() });
    given(r);
    const res = await call(
      event('POST', { body: form({ sig: signReview(KEY, r), outcome: 'approved', rationale: RATIONALE }) }),
    );
    expect(res.statusCode).toBe(410);
    expectNothingChanged();
  });

  it('answers 410 when the proposal was withdrawn and changes nothing', async () => {
    given(review(), proposal({ status: 'withdrawn' }));
    const res = await call(
      event('POST', {
        body: form({ sig: SIG, outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS }),
      }),
    );
    expect(res.statusCode).toBe(410);
    expectNothingChanged();
  });

  it('answers 409 to a second post and changes nothing', async () => {
    given(
      review({
        state: 'decided',
        decision: {
          outcome: 'approved',
          rationale: RATIONALE,
          conditions: null,
          reviewDate: '2027-12-01',
          decidedBy: 's.okafor@police.example',
          decidedAt: new Date(NOW - 60_000).toISOString(),
        },
      }),
    );
    const res = await call(
      event('POST', { body: form({ sig: SIG, outcome: 'rejected', rationale: RATIONALE }) }),
    );
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('already approved by Ch Supt Sarah Okafor');
    expectNothingChanged();
  });

  it('answers 409 when another post won the race, without telling the workflow twice', async () => {
    const decided = review({
      state: 'decided',
      decision: {
        outcome: 'rejected',
        rationale: RATIONALE,
        conditions: null,
        reviewDate: null,
        decidedBy: 's.okafor@police.example',
        decidedAt: new Date(NOW).toISOString(),
      },
    });
    given(review());
    ddb
      .on(GetCommand, { Key: reviewKey(REVIEW_ID) })
      .resolvesOnce({ Item: { ...reviewKey(REVIEW_ID), ...review() } })
      .resolves({ Item: { ...reviewKey(REVIEW_ID), ...decided } });
    ddb
      .on(UpdateCommand)
      .rejects(Object.assign(new Error('failed'), { name: 'ConditionalCheckFailedException' }));
    const res = await call(
      event('POST', {
        body: form({ sig: SIG, outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS }),
      }),
    );
    expect(res.statusCode).toBe(409);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('answers 410 and voids the link when the workflow stopped waiting (approval timed out)', async () => {
    given(review());
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('timed out'), { name: 'TaskTimedOut' }));
    const res = await call(
      event('POST', {
        body: form({ sig: SIG, outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS }),
      }),
    );
    expect(res.statusCode).toBe(410);
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.at(-1)?.ExpressionAttributeValues).toMatchObject({ ':void': 'void', ':from0': 'decided' });
  });

  it('takes the decision back when the workflow could not be told, so the approver can post again', async () => {
    given(review());
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('boom'), { name: 'ServiceUnavailable' }));
    const res = await call(
      event('POST', {
        body: form({ sig: SIG, outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS }),
      }),
    );
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: 'InternalError', message: expect.any(String) });
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.at(-1)).toMatchObject({ UpdateExpression: 'SET #state = :open REMOVE #decision' });
  });

  it('answers 415 to something that is not a form post', async () => {
    given(review());
    const res = await call(
      event('POST', {
        type: 'application/json',
        body: JSON.stringify({ sig: SIG, outcome: 'approved', rationale: RATIONALE }),
      }),
    );
    expect(res.statusCode).toBe(415);
    expect(res.headers?.['content-type']).toMatch(/^text\/html/);
    expectNothingChanged();
  });
});

describe('the governance rules of the review form (SPEC 10, 11)', () => {
  const HIGH_RISK = {
    description: 'Function creep: reads used to track lawful protest traffic',
    likelihood: 3,
    severity: 3,
    mitigation: 'Access only for listed offence types, audited monthly.',
    residualLikelihood: 2,
    residualSeverity: 3,
  };
  const highRisk = (over: Partial<ProposalRecord> = {}) =>
    proposal({ input: { ...input, risks: [...(input.risks ?? []), HIGH_RISK] }, ...over });
  const ICO = {
    submittedOn: '2026-09-01',
    reference: 'ICO/PC/2026/0042',
    outcome: 'advice-received' as const,
    summary: 'The Commissioner advised limiting access to listed offences, as now proposed.',
    recordedBy: 'manager@police.example',
    recordedAt: new Date(NOW - 86_400_000).toISOString(),
  };
  const advised = (recommendation: 'proceed' | 'proceed-with-conditions' | 'do-not-proceed') =>
    proposal({
      dpo: {
        adviceId: 'adv-1',
        dpoName: 'Data Protection Officer',
        requestedAt: new Date(NOW - 5 * 86_400_000).toISOString(),
        expiresAt: new Date(NOW + 2 * 86_400_000).toISOString(),
        status: 'advised',
        recommendation,
        advice: 'Proceed only once the back-office link is encrypted.',
        advisedAt: new Date(NOW - 2 * 86_400_000).toISOString(),
      },
    });
  const view = (res: { body: string }) => JSON.parse(res.body.replace('<!-- review -->', ''));
  const output = () => JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');
  const approve = (extra: Record<string, string> = {}) =>
    call(
      event('POST', {
        body: form({ sig: SIG, outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS, ...extra }),
      }),
    );

  it('says at the top that the Commissioner must be consulted when a residual risk is high', async () => {
    given(review(), highRisk());
    const v = view(await call(event('GET', { sig: SIG })));
    expect(v.priorConsultation).toEqual({ required: true, recorded: null, missing: true });
    expect(v.risks.at(-1)).toMatchObject({
      before: { likelihood: 'Probable', severity: 'Severe', level: 'High' },
      after: { likelihood: 'Possible', severity: 'Severe', level: 'High' },
      high: true,
    });
  });

  it('refuses an approval while a high residual risk has no prior consultation, and changes nothing', async () => {
    given(review(), highRisk());
    const res = await approve();
    expect(res.statusCode).toBe(400);
    expect(view(res).form.fieldErrors.outcome).toContain('Information Commissioner must be consulted');
    expectNothingChanged();
  });

  it('still lets the approver reject it', async () => {
    given(review(), highRisk());
    const res = await call(
      event('POST', { body: form({ sig: SIG, outcome: 'rejected', rationale: RATIONALE }) }),
    );
    expect(res.statusCode).toBe(200);
    expect(output()).toMatchObject({ outcome: 'rejected' });
  });

  it('approves once the prior consultation is recorded, and shows it', async () => {
    given(review(), highRisk({ icoConsultation: ICO }));
    const page = view(await call(event('GET', { sig: SIG })));
    expect(page.priorConsultation).toMatchObject({ required: true, missing: false });
    expect(page.priorConsultation.recorded).toMatchObject({
      reference: 'ICO/PC/2026/0042',
      submittedOn: '1 September 2026',
    });
    const res = await approve();
    expect(res.statusCode).toBe(200);
  });

  it("shows the DPO's advice and asks whether the decision accepts it", async () => {
    given(review(), advised('proceed-with-conditions'));
    const v = view(await call(event('GET', { sig: SIG })));
    expect(v.dpo).toMatchObject({ advised: true, recommendation: 'Proceed with conditions' });
    expect(v.dpo.advice).toContain('back-office link');
    expect(v.form.dpoAdviceAsked).toBe(true);
  });

  it('records an approval that follows the advice as accepted', async () => {
    given(review(), advised('proceed-with-conditions'));
    const unstated = await approve();
    expect(unstated.statusCode).toBe(400);
    expect(view(unstated).form.fieldErrors.dpoAdvice).toContain('accepts or overrules');
    expectNothingChanged();
    const res = await approve({ dpoAdvice: 'accepted' });
    expect(res.statusCode).toBe(200);
    expect(output()).toMatchObject({ outcome: 'approved', dpoAdvice: 'accepted', dpoReasons: null });
  });

  it.each([
    ['approves against advice not to proceed', 'do-not-proceed', { outcome: 'approved' }],
    ['rejects against advice to proceed', 'proceed', { outcome: 'rejected' }],
    [
      'approves without conditions against advice to proceed with conditions',
      'proceed-with-conditions',
      { conditions: '' },
    ],
  ] as const)(
    'refuses a decision that %s unless it is marked overruled (400, nothing changes)',
    async (_c, rec, fields) => {
      given(review(), proposal({ ...advised(rec), input: { ...input, checklist: undefined } }));
      const res = await call(
        event('POST', {
          body: form({
            sig: SIG,
            outcome: 'approved',
            rationale: RATIONALE,
            conditions: CONDITIONS,
            ...fields,
          }),
        }),
      );
      expect(res.statusCode).toBe(400);
      expect(view(res).form.fieldErrors.dpoAdvice).toContain('departs from the DPO');
      expectNothingChanged();
    },
  );

  it('refuses overruling the DPO without reasons (400, nothing changes)', async () => {
    given(review(), advised('do-not-proceed'));
    const res = await approve({ dpoAdvice: 'overruled', dpoReasons: 'No.' });
    expect(res.statusCode).toBe(400);
    expect(view(res).form.fieldErrors.dpoReasons).toContain('reasons for overruling');
    expectNothingChanged();
  });

  it('records an overruling with its reasons', async () => {
    given(review(), advised('do-not-proceed'));
    const reasons =
      'The encryption is already contracted for go-live; the risk the DPO names is met by condition.';
    const res = await approve({ dpoAdvice: 'overruled', dpoReasons: reasons });
    expect(res.statusCode).toBe(200);
    expect(output()).toMatchObject({ outcome: 'approved', dpoAdvice: 'overruled', dpoReasons: reasons });
  });

  it('says when the DPO did not answer in time, and asks nothing about advice', async () => {
    given(
      review(),
      proposal({
        dpo: {
          adviceId: 'adv-1',
          dpoName: 'Data Protection Officer',
          requestedAt: new Date(NOW - 8 * 86_400_000).toISOString(),
          expiresAt: new Date(NOW - 86_400_000).toISOString(),
          status: 'no-response',
          timedOutAt: new Date(NOW - 86_400_000).toISOString(),
        },
      }),
    );
    const v = view(await call(event('GET', { sig: SIG })));
    expect(v.dpo).toMatchObject({ noResponse: true, advised: false });
    expect(v.form.dpoAdviceAsked).toBe(false);
    expect((await approve()).statusCode).toBe(200);
    expect(output().dpoAdvice).toBeUndefined();
  });
});

describe('what an approval needs (issue 19)', () => {
  const view400 = async (fields: Record<string, string>, p: ProposalRecord = proposal()) => {
    given(review(), p);
    const res = await call(event('POST', { body: form({ sig: SIG, ...fields }) }));
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(TASK_TOKEN);
    expectNothingChanged();
    return JSON.parse(res.body.replace('<!-- review -->', ''));
  };

  it('refuses an approval while risks and the 12 principles are missing, says so at the top, and still allows a rejection', async () => {
    const { risks: _r, checklist: _c, ...bare } = input;
    const incomplete = proposal({ input: bare as typeof input });
    given(review(), incomplete);
    const page = JSON.parse((await call(event('GET', { sig: SIG }))).body.replace('<!-- review -->', ''));
    expect(page.form.assessmentGaps).toEqual([
      'the risks to individuals, each with its measure (DPA 2018 s.64)',
      "the Surveillance Camera Code's 12 guiding principles, met or not",
    ]);
    const view = await view400(
      { outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS },
      incomplete,
    );
    expect(view.form.fieldErrors.outcome).toMatch(
      /assessment is not complete.*risks to individuals.*12 guiding principles/,
    );
    ddb.reset();
    sfn.reset();
    given(review(), incomplete);
    sfn.on(SendTaskSuccessCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const rejected = await call(
      event('POST', { body: form({ sig: SIG, outcome: 'rejected', rationale: RATIONALE }) }),
    );
    expect(rejected.statusCode).toBe(200);
  });

  it('refuses an approval despite an objection unless the reasons address it (more than a rationale)', async () => {
    const view = await view400({
      outcome: 'approved',
      rationale: RATIONALE,
      conditions: CONDITIONS,
      consulteeResponse: 'Noted.',
    });
    expect(view.form.fieldErrors.consulteeResponse).toBe(
      '1 consultee objected: this decision departs from their views. Say how you have taken them into account, in at least 50 characters.',
    );
    expect(view.form.consulteeViews).toMatch(/1 objected and 0 supported/);
  });

  it('refuses a rejection despite support unless the reasons address it', async () => {
    const supported = proposal({
      consultation: {
        ...proposal().consultation,
        tally: { support: 2, concerns: 0, object: 0, unclassified: 0 },
      },
    });
    const view = await view400({ outcome: 'rejected', rationale: RATIONALE }, supported);
    expect(view.form.fieldErrors.consulteeResponse).toMatch(/^2 consultees supported the proposal/);
  });

  it('needs an owner and a future due date for the conditions', async () => {
    const { owner: _o, ...ownerless } = input;
    const view = await view400(
      { outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS, conditionsDue: '2020-01-01' },
      proposal({ input: ownerless as typeof input }),
    );
    expect(view.form.fieldErrors.conditionsOwner).toMatch(/Name the post/);
    expect(view.form.fieldErrors.conditionsDue).toBe('The conditions must be due after today.');
  });

  it('sends each line of the conditions as its own condition with the owner and due date given', async () => {
    given(review());
    const res = await call(
      event('POST', {
        body: form({
          sig: SIG,
          outcome: 'approved',
          rationale: RATIONALE,
          conditions: '1. Encrypt the back-office link (principle 9).\n2. Put up signage on both approaches.',
          conditionsOwner: 'Head of ANPR (Superintendent)',
          conditionsDue: '2030-03-31',
        }),
      }),
    );
    expect(res.statusCode).toBe(200);
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');
    expect(output.conditionItems).toEqual([
      {
        n: 1,
        text: 'Encrypt the back-office link (principle 9).',
        owner: 'Head of ANPR (Superintendent)',
        dueDate: '2030-03-31',
      },
      {
        n: 2,
        text: 'Put up signage on both approaches.',
        owner: 'Head of ANPR (Superintendent)',
        dueDate: '2030-03-31',
      },
    ]);
  });
});
