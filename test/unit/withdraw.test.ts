// Withdrawing a proposal (issue 20) through POST /proposals/{id}/withdraw, with DynamoDB, Step
// Functions, SES and S3 mocked and the real mail templates: the reason is checked, kept and
// recorded, and the people who heard of the proposal are told, once, without the site.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as withdraw } from '../../functions/proposals/withdraw.handler.js';
import { consulteeKey, proposalKey } from '../../functions/shared/keys.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { httpEvent, lambdaContext } from '../support/events.js';
import { conditionFailed } from '../support/expressions.js';
import { exampleInput } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

const dynamo = mockDocumentClient();
const sfn = mockClient(SFNClient);
const ses = mockClient(SESClient);
const s3 = mockClient(S3Client);

const input = exampleInput();
const [mailed, bounced, notMailed] = input.consultees;

const stored = (status: string, extra: Record<string, unknown> = {}) => ({
  ...proposalKey('p1'),
  proposalId: 'p1',
  reference: 'DPIA-2026-0001',
  status,
  input,
  executionArn: 'arn:exec',
  reviewId: status === 'awaiting-approval' ? 'rev-1' : null,
  ...extra,
});

const consultee = (c: typeof mailed, over: Record<string, unknown>) => ({
  ...consulteeKey('p1', c?.email ?? ''),
  ...c,
  status: 'mailed',
  mailMarker: 'sent',
  ...over,
});

function given(status: string, extra: Record<string, unknown> = {}) {
  dynamo.on(GetCommand).resolves({ Item: stored(status, extra) });
  dynamo.on(UpdateCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  dynamo.on(QueryCommand).resolves({
    Items: [
      consultee(mailed, {}),
      consultee(bounced, { status: 'bounced' }),
      consultee(notMailed, { status: 'pending', mailMarker: null }),
    ],
  });
  sfn.on(StopExecutionCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  s3.on(PutObjectCommand).resolves({});
}

const post = (body?: unknown, role: 'manager' | 'auditor' = 'manager') =>
  withdraw(
    httpEvent({
      method: 'POST',
      pathParameters: { id: 'p1' },
      role,
      ...(body === undefined ? { headers: { 'content-type': '' } } : { body: JSON.stringify(body) }),
    }),
    lambdaContext,
  );

const sentTo = () =>
  ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses?.[0]);
const statusChange = () =>
  dynamo
    .commandCalls(UpdateCommand)
    .find((c) => c.args[0].input.ExpressionAttributeValues?.[':status'] === 'withdrawn');

unitEnv({ DPIA_SENDER_ADDRESS: 'dpia@camera-dpia.test', DPIA_EVIDENCE_BUCKET: 'camera-dpia-evidence' });
beforeEach(() => {
  dynamo.reset();
  sfn.reset();
  ses.reset();
  s3.reset();
});

const REASON = `The junction at ${input.site.description} is to be rebuilt next year; we will propose again after.`;

describe('POST /proposals/{id}/withdraw with a reason', () => {
  it('keeps the reason, records it in the timeline, and mails the consultees who were sent the consultation and the approver', async () => {
    given('awaiting-approval');
    const answer = await post({ reason: REASON });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body as string)).toMatchObject({
      status: 'withdrawn',
      reason: REASON,
      notified: 2,
    });
    expect(sfn.commandCalls(StopExecutionCommand)[0]?.args[0].input.executionArn).toBe('arn:exec');
    expect(statusChange()?.args[0].input.ExpressionAttributeValues?.[':withdrawal']).toMatchObject({
      reason: REASON,
      by: expect.any(String),
    });
    const event = dynamo
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input.Item)
      .find((i) => i?.type === 'event' && i.event === 'withdrawn');
    expect(event?.detail).toContain(`Reason: ${REASON}`);

    // Not the bounced address, not the consultee never mailed.
    expect(sentTo().sort()).toEqual([input.approver.email, mailed?.email].sort());
    for (const call of ses.commandCalls(SendEmailCommand)) {
      const message = call.args[0].input.Message;
      expect(message?.Subject?.Data).toBe(`Withdrawn: ANPR in ${input.publicArea} [DPIA-2026-0001]`);
      expect(message?.Body?.Text?.Data).toContain('Why it was withdrawn: The junction at');
      expect(message?.Body?.Text?.Data).not.toContain(input.site.description);
      expect(message?.Body?.Html?.Data).not.toContain(input.site.description);
    }
    const approverMail = ses
      .commandCalls(SendEmailCommand)
      .find((c) => c.args[0].input.Destination?.ToAddresses?.[0] === input.approver.email);
    expect(approverMail?.args[0].input.Message?.Body?.Text?.Data).toContain('review link you were sent');
    // A copy of each is kept for the evidence pack.
    expect(s3.commandCalls(PutObjectCommand).length).toBeGreaterThan(0);
  });

  it('still withdraws when SES refuses one address, mails the others, and says so in the timeline', async () => {
    given('consulting');
    ses
      .on(SendEmailCommand, { Destination: { ToAddresses: [input.approver.email] } })
      .rejects(Object.assign(new Error('refused'), { name: 'MessageRejected' }));
    const answer = await post({ reason: 'Funding for the scheme was withdrawn.' });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body as string)).toMatchObject({ notified: 1 });
    const events = dynamo
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input.Item)
      .filter((i) => i?.type === 'event');
    expect(events.find((e) => e?.event === 'withdrawal-mailed')?.detail).toBe(
      'Told of the withdrawal by mail: 1 person; 1 could not be mailed.',
    );
    // The refused claim is released, so nothing is left half-sent.
    const released = dynamo
      .commandCalls(UpdateCommand)
      .filter((c) => c.args[0].input.UpdateExpression === 'REMOVE #marker');
    expect(released).toHaveLength(1);
  });

  it('mails nobody already told: a repeated attempt finds the markers taken', async () => {
    given('consulting');
    dynamo.on(UpdateCommand, { UpdateExpression: 'SET #marker = :sending' }).rejects(conditionFailed());
    const answer = await post({ reason: 'Funding for the scheme was withdrawn.' });
    expect(answer.statusCode).toBe(200);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('tells nobody outside the team when it had not reached consultation', async () => {
    given('scoring');
    const answer = await post({ reason: 'Opened by mistake: a duplicate.' });
    expect(JSON.parse(answer.body as string)).toMatchObject({ notified: 0 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('still withdraws with no body at all, as SPEC 7 calls it', async () => {
    given('consulting');
    const answer = await post();
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body as string)).toMatchObject({ status: 'withdrawn', reason: null });
    expect(statusChange()).toBeDefined();
  });

  it.each([
    ['too short', { reason: 'No.' }, 'Must be at least 10 characters'],
    ['an e-mail address', { reason: 'Ask j.smith@police.example why.' }, 'Leave out e-mail addresses'],
    ['a line break', { reason: 'First line\nsecond line of it' }, 'Must be one line'],
    ['not text', { reason: 42 }, ''],
  ])('answers 400 naming the reason when it is %s, and nothing changes', async (_case, body, message) => {
    given('consulting');
    const answer = await post(body);
    expect(answer.statusCode).toBe(400);
    const error = JSON.parse(answer.body as string);
    expect(error.issues[0]).toMatchObject({ path: 'reason', message: expect.stringContaining(message) });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });

  it('answers 409 for a proposal already decided, and stops nothing and mails nobody', async () => {
    given('approved');
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    const answer = await post({ reason: 'Funding for the scheme was withdrawn.' });
    expect(answer.statusCode).toBe(409);
    expect(sfn.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });

  it('answers 403 to an auditor and changes nothing', async () => {
    given('consulting');
    expect((await post({ reason: 'Funding for the scheme was withdrawn.' }, 'auditor')).statusCode).toBe(403);
    expect(dynamo.calls()).toHaveLength(0);
  });
});
