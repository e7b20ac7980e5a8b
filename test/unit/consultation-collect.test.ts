import { InvalidToken, SendTaskSuccessCommand, SFNClient, TaskDoesNotExist } from '@aws-sdk/client-sfn';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/consultation/collect.handler.js';
import { closeCollectionEarly, collectResponses } from '../../functions/consultation/collect.js';
import { consulteeKey, proposalKey } from '../../functions/shared/keys.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { conditionFailed } from '../support/expressions.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();
const sfn = mockClient(SFNClient);

const PROPOSAL_ID = 'p-321';
const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAc-task-token';

const consultee = (email: string, status: string) => ({
  ...consulteeKey(PROPOSAL_ID, email),
  type: 'consultee',
  name: email,
  email,
  status,
  stance: status === 'responded' ? 'support' : null,
});

function consulteesAre(...statuses: string[]): void {
  ddb.on(QueryCommand).resolves({ Items: statuses.map((status, i) => consultee(`c${i}@x.example`, status)) });
}

const tokenUpdates = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input)
    .filter((input) => Object.values(input.ExpressionAttributeNames ?? {}).includes('collectTaskToken'));

unitEnv({}, { each: true });
beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(UpdateCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('CollectResponses', () => {
  it('stores the task token on the proposal and waits while consultees have still to answer', async () => {
    consulteesAre('responded', 'mailed', 'bounced');

    await expect(collectResponses({ proposalId: PROPOSAL_ID, taskToken: TASK_TOKEN })).resolves.toEqual({
      stored: true,
    });

    const [update] = tokenUpdates();
    expect(update?.Key).toEqual(proposalKey(PROPOSAL_ID));
    expect(update?.ConditionExpression).toContain('attribute_exists(PK)');
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain(TASK_TOKEN);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('sends task success itself when everyone had already answered before the token was stored', async () => {
    consulteesAre('responded', 'responded', 'bounced');

    await collectResponses({ proposalId: PROPOSAL_ID, taskToken: TASK_TOKEN });

    expect(tokenUpdates()).toHaveLength(1);
    const calls = sfn.commandCalls(SendTaskSuccessCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ taskToken: TASK_TOKEN, output: '{"closedEarly":true}' });
  });

  it('stores the token before it reads the consultees (no reply can fall between the two)', async () => {
    consulteesAre('responded');
    await collectResponses({ proposalId: PROPOSAL_ID, taskToken: TASK_TOKEN });
    const order = ddb.calls().map((call) => call.args[0].constructor.name);
    expect(order.indexOf('UpdateCommand')).toBeLessThan(order.indexOf('QueryCommand'));
  });

  it('is idempotent: running again stores the same token and a second success is harmless', async () => {
    consulteesAre('responded', 'responded');
    await collectResponses({ proposalId: PROPOSAL_ID, taskToken: TASK_TOKEN });
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(new TaskDoesNotExist({ message: 'Task Does Not Exist', $metadata: {} }));
    await expect(collectResponses({ proposalId: PROPOSAL_ID, taskToken: TASK_TOKEN })).resolves.toEqual({
      stored: true,
    });
    expect(tokenUpdates()).toHaveLength(2);
  });

  it('does not close a consultation nobody can answer (every consultee bounced or none at all)', async () => {
    consulteesAre('bounced');
    await collectResponses({ proposalId: PROPOSAL_ID, taskToken: TASK_TOKEN });
    consulteesAre();
    await collectResponses({ proposalId: PROPOSAL_ID, taskToken: TASK_TOKEN });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('fails when the proposal does not exist', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(collectResponses({ proposalId: 'nope', taskToken: TASK_TOKEN })).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
  });
});

describe('closeCollectionEarly', () => {
  it('reports whether this call closed the task, treating an already-closed task as fine', async () => {
    await expect(closeCollectionEarly(PROPOSAL_ID, TASK_TOKEN)).resolves.toBe(true);
    sfn.on(SendTaskSuccessCommand).rejects(new InvalidToken({ message: 'Invalid Token', $metadata: {} }));
    await expect(closeCollectionEarly(PROPOSAL_ID, TASK_TOKEN)).resolves.toBe(false);
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));
    await expect(closeCollectionEarly(PROPOSAL_ID, TASK_TOKEN)).rejects.toThrow('boom');
  });
});

describe('collect handler', () => {
  it('takes the Step Functions payload { proposalId, taskToken }', async () => {
    consulteesAre('mailed');
    await expect(handler({ proposalId: PROPOSAL_ID, taskToken: TASK_TOKEN }, {} as Context)).resolves.toEqual(
      {
        stored: true,
      },
    );
  });

  it('refuses a payload without a task token, and stores nothing', async () => {
    await expect(handler({ proposalId: PROPOSAL_ID }, {} as Context)).rejects.toThrow(
      /CollectResponses needs \{ proposalId, taskToken \}: taskToken/,
    );
    expect(ddb.calls()).toHaveLength(0);
  });
});
