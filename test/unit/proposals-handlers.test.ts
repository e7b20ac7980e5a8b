// The proposals handlers with the AWS SDK mocked: roles, validation, and what gets written.
import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as create } from '../../functions/proposals/create.handler.js';
import { handler as list } from '../../functions/proposals/list.handler.js';
import { handler as score } from '../../functions/scoring/score.handler.js';
import { mockDocumentClient, writesSent } from '../support/dynamo-rules.js';
import { httpEvent, lambdaContext } from '../support/events.js';
import { exampleJson } from '../support/records.js';

const dynamo = mockDocumentClient();
const sfn = mockClient(SFNClient);
const example = exampleJson();
const future = () => ({ ...example, responseDeadline: new Date(Date.now() + 86_400_000).toISOString() });

process.env.DPIA_TABLE_NAME = 'test-table';
process.env.DPIA_STATE_MACHINE_ARN =
  'arn:aws:states:eu-west-2:000000000000:stateMachine:camera-dpia-lifecycle';
process.env.DPIA_LOG_LEVEL = 'silent';

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
});

const post = (body: unknown, role: 'manager' | 'auditor' | null = 'manager', headers = {}) =>
  create(
    httpEvent({
      method: 'POST',
      path: '/proposals',
      role,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers,
    }),
    lambdaContext,
  );

describe('POST /proposals', () => {
  it('allocates a reference, stores the proposal and its consultees, and starts the execution named after it', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { n: 7 } });
    dynamo.on(PutCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    const answer = await post(future());
    expect(answer.statusCode).toBe(201);
    const body = JSON.parse(answer.body as string);
    expect(body).toMatchObject({
      status: 'submitted',
      reference: expect.stringMatching(/^DPIA-\d{4}-0007$/),
    });
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(body.proposalId);
    expect(JSON.parse(start?.input as string)).toEqual({ proposalId: body.proposalId });
    const meta = dynamo.commandCalls(PutCommand).find((c) => c.args[0].input.Item?.SK === 'META');
    expect(meta?.args[0].input.ConditionExpression).toBe('attribute_not_exists(PK)');
  });

  it('refuses bad input with 400, 401, 403, 413 or 415 and writes nothing', async () => {
    const cases: [unknown, 'manager' | 'auditor' | null, Record<string, string>, number][] = [
      ['{"title":', 'manager', {}, 400],
      [{ ...future(), unknownField: 1 }, 'manager', {}, 400],
      [{ ...future(), responseDeadline: '2001-01-01T00:00:00Z' }, 'manager', {}, 400],
      [future(), 'auditor', {}, 403],
      [future(), null, {}, 401],
      [{ ...future(), alternativesConsidered: 'x'.repeat(262_144) }, 'manager', {}, 413],
      [future(), 'manager', { 'content-type': 'text/plain' }, 415],
      // SPEC 3: too large is 413 first, whatever the body claims to be (it was 415).
      [
        { ...future(), alternativesConsidered: 'x'.repeat(262_144) },
        'manager',
        { 'content-type': 'text/plain' },
        413,
      ],
      [{ ...future(), alternativesConsidered: 'x'.repeat(262_144) }, 'manager', { 'content-type': '' }, 413],
      // Far beyond any consultation (and any Step Functions wait): refused with the field named.
      [{ ...future(), responseDeadline: '9999-12-31T17:00:00Z' }, 'manager', {}, 400],
    ];
    for (const [body, role, headers, status] of cases) {
      const answer = await post(body, role, headers);
      expect(answer.statusCode, JSON.stringify(answer.body).slice(0, 120)).toBe(status);
      expect(JSON.parse(answer.body as string).error).toBeTruthy();
    }
    expect(dynamo.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('refuses a consultation shorter than DPIA_MIN_CONSULTATION_DAYS in the same round as the other errors, writing nothing (issue 20)', async () => {
    process.env.DPIA_MIN_CONSULTATION_DAYS = '14';
    try {
      const answer = await post({
        ...example,
        title: '',
        responseDeadline: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      });
      expect(answer.statusCode).toBe(400);
      const issues = JSON.parse(answer.body as string).issues as { path: string; message: string }[];
      expect(issues.map((i) => i.path)).toEqual(['title', 'responseDeadline']);
      expect(issues[1]?.message).toMatch(
        /^The consultation must last at least 14 days: set the response deadline on or after /,
      );
      expect(dynamo.calls()).toHaveLength(0);
      expect(sfn.calls()).toHaveLength(0);
    } finally {
      process.env.DPIA_MIN_CONSULTATION_DAYS = '0';
    }
  });

  it('names each invalid field by its path', async () => {
    const bad = future();
    bad.consultees[3].email = 'nope';
    const answer = await post(bad);
    expect(JSON.parse(answer.body as string).issues).toContainEqual({
      path: 'consultees.3.email',
      message: 'Invalid email address',
    });
  });
});

describe('GET /proposals', () => {
  it('queries the status index, never scans, and refuses an unknown status', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const ok = await list(
      httpEvent({ path: '/proposals', role: 'auditor', query: { status: 'consulting' } }),
      lambdaContext,
    );
    expect(ok.statusCode).toBe(200);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'GSI2',
      ExpressionAttributeValues: { ':pk': 'STATUS#consulting' },
      ScanIndexForward: false,
    });
    const bad = await list(httpEvent({ path: '/proposals', query: { status: 'lost' } }), lambdaContext);
    expect(bad.statusCode).toBe(400);
  });
});

describe('ScorePressingNeed task', () => {
  it('scores the stored input and returns the band for the Choice state', async () => {
    dynamo.on(GetCommand).resolves({
      Item: {
        PK: 'PROPOSAL#p1',
        SK: 'META',
        proposalId: 'p1',
        reference: 'DPIA-2026-0001',
        status: 'submitted',
        input: example,
        pressingNeed: null,
      },
    });
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    // Policy 2026.1 (the default, SPEC 4): 0.30 x 2 + 0.30 x 4 + 0.25 x 4 + 0.15 x 3 of 5 = 65.
    expect(await score({ proposalId: 'p1' })).toEqual({ score: 65, band: 'clear' });
    const stored = dynamo
      .commandCalls(UpdateCommand)
      .find((c) => JSON.stringify(c.args[0].input).includes('pressingNeed'));
    expect(JSON.stringify(stored?.args[0].input)).toContain('"policyVersion":"2026.1"');
  });
});

describe('GET /proposals/{id}', () => {
  it('gives the SPEC 7 detail without the back end task tokens, to managers and auditors only', async () => {
    const { handler: get } = await import('../../functions/proposals/get.handler.js');
    dynamo.on(QueryCommand).resolves({
      Items: [
        {
          PK: 'PROPOSAL#p1',
          SK: 'META',
          proposalId: 'p1',
          reference: 'DPIA-2026-0001',
          status: 'consulting',
          input: example,
          pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1', factors: [] },
          consultation: {
            deadline: '2026-12-15T17:00:00.000Z',
            mailed: 1,
            responded: 1,
            late: 0,
            bounced: 0,
            tally: {},
            closedAt: null,
          },
          collectTaskToken: 'SECRET-TASK-TOKEN',
          decisionId: null,
        },
        {
          PK: 'PROPOSAL#p1',
          SK: 'CONSULTEE#a@x.example',
          name: 'A',
          email: 'a@x.example',
          status: 'responded',
          stance: 'support',
          respondedAt: '2026-12-01T10:00:00.000Z',
          late: false,
          senderMismatch: false,
          comment: 'Yes',
          mailMarker: 'sent',
        },
        {
          PK: 'PROPOSAL#p1',
          SK: 'EVENT#2026-11-23T10:00:00.000Z#0001',
          at: '2026-11-23T10:00:00.000Z',
          event: 'submitted',
          detail: 'x',
        },
      ],
    });
    const answer = await get(httpEvent({ pathParameters: { id: 'p1' }, role: 'auditor' }), lambdaContext);
    expect(answer.statusCode).toBe(200);
    const body = JSON.parse(answer.body as string);
    expect(body).toMatchObject({
      proposalId: 'p1',
      reference: 'DPIA-2026-0001',
      status: 'consulting',
      site: example.site,
      pressingNeed: { score: 65, band: 'clear' },
      consultation: { consultees: [{ email: 'a@x.example', stance: 'support', status: 'responded' }] },
      decision: null,
      timeline: [{ event: 'submitted' }],
    });
    expect(answer.body).not.toContain('SECRET-TASK-TOKEN');
    expect(answer.body).not.toContain('mailMarker');
    const none = await get(httpEvent({ pathParameters: { id: 'p1' }, role: null }), lambdaContext);
    expect(none.statusCode).toBe(401);
  });

  it.each([
    ['3 KB long', 'a'.repeat(3000)],
    ['with a slash', 'p1/../x'],
    ['with a space', 'p 1'],
  ])('answers 404 to an id %s, without reaching DynamoDB (it was a 500)', async (_case, id) => {
    const { handler: get } = await import('../../functions/proposals/get.handler.js');
    const answer = await get(httpEvent({ pathParameters: { id }, role: 'manager' }), lambdaContext);
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body as string).error).toBe('NotFoundError');
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('a failed lifecycle (the EventBridge rule on its execution, issue 15)', () => {
  const statusChange = (status: string) => ({
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: {
      executionArn: 'arn:aws:states:eu-west-2:1:execution:camera-dpia-lifecycle:p1',
      stateMachineArn: 'arn:aws:states:eu-west-2:1:stateMachine:camera-dpia-lifecycle',
      name: 'p1',
      status,
      input: '{"proposalId":"p1"}',
      error: 'Throttling',
      cause: '{"errorMessage":"Maximum sending rate exceeded."}',
    },
  });

  it('marks an active proposal failed with the step and the error, and remembers its status', async () => {
    const { handler: fail } = await import('../../functions/proposals/fail.handler.js');
    dynamo.on(GetCommand).resolves({ Item: { proposalId: 'p1', status: 'scoring', reference: 'DPIA-1' } });
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 9, type: 'LambdaFunctionFailed', timestamp: new Date() },
        {
          id: 8,
          type: 'TaskStateEntered',
          timestamp: new Date(),
          stateEnteredEventDetails: { name: 'SendConsultation' },
        },
      ],
    });
    expect(await fail(statusChange('FAILED'))).toEqual({ failed: true });
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toContain('#status IN');
    expect(update?.ExpressionAttributeValues?.[':failure']).toMatchObject({
      step: 'SendConsultation',
      error: 'Throttling',
      resumeStatus: 'scoring',
    });
    const timeline = dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(timeline?.detail).toContain('at SendConsultation on an error (Throttling)');
    // The cause is never copied: it can quote the proposal.
    expect(JSON.stringify(dynamo.calls().map((c) => c.args[0].input))).not.toContain('Maximum sending rate');
  });

  it('leaves a withdrawn proposal alone, and ignores an execution that succeeded or was stopped', async () => {
    const { handler: fail } = await import('../../functions/proposals/fail.handler.js');
    dynamo.on(GetCommand).resolves({ Item: { proposalId: 'p1', status: 'withdrawn', reference: 'DPIA-1' } });
    expect(await fail(statusChange('FAILED'))).toEqual({ failed: false });
    expect(await fail(statusChange('ABORTED'))).toEqual({ failed: false });
    expect(writesSent(dynamo)).toEqual([]);
  });
});
