// The local Step Functions service driven through the real AWS SDK and the AWS CLI.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/config.js';
import { createLambdaRuntime } from '../../local/lambda.js';
import type { RunningService } from '../../local/service.js';
import { StepFunctionsEngine } from '../../local/stepfunctions/engine.js';
import { startStepFunctions } from '../../local/stepfunctions/server.js';
import { substituteDefinition } from '../../local/stepfunctions/substitutions.js';
import { until } from '../support/until.js';

const region = 'eu-west-2';
const account = '000000000000';
const dataDir = mkdtempSync(join(tmpdir(), 'dpia-sfn-'));
const requests: { token: string; request: string; execution: string }[] = [];
let service: RunningService;
let sfn: SFNClient;
let machineArn: string;

async function startService(): Promise<RunningService> {
  const lambda = createLambdaRuntime({
    region,
    account,
    registry: [],
    handlers: {
      prepare: (event: { request: string }) => ({ prepared: event.request.toUpperCase() }),
      double: (event: { n: number }) => event.n * 2,
      'request-approval': (event: { token: string; request: string; execution: string }) => {
        requests.push(event);
        return { mailed: true };
      },
    },
  });
  const engine = new StepFunctionsEngine({ dataDir, region, account, lambda });
  engine.start();
  return startStepFunctions({ host: '127.0.0.1', port: 0, engine });
}

function connect(url: string): SFNClient {
  process.env.AWS_ENDPOINT_URL_SFN = url;
  Object.assign(process.env, {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  return new SFNClient({ maxAttempts: 1 });
}

const describeExecution = (executionArn: string) => sfn.send(new DescribeExecutionCommand({ executionArn }));
const finished = (executionArn: string) =>
  until<DescribeExecutionCommandOutput>(async () => {
    const d = await describeExecution(executionArn);
    return d.status === 'RUNNING' ? undefined : d;
  });
const requestFor = (name: string) => until(() => requests.find((r) => r.execution === name));
const historyTypes = async (executionArn: string) =>
  ((await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? []).map(
    (e) => e.type,
  );

async function machineFromDefinition(name: string, definition: object): Promise<string> {
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name,
      definition: JSON.stringify(definition),
      roleArn: `arn:aws:iam::${account}:role/x`,
    }),
  );
  return created.stateMachineArn as string;
}

async function start(name: string, input: Record<string, unknown>) {
  const out = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machineArn, name, input: JSON.stringify(input) }),
  );
  return out.executionArn as string;
}

/** Starts an approval (asking at once unless `startAt` is later) and waits for the token it mails. */
async function startApproval(
  name: string,
  request: string,
  { timeoutSeconds = 30, startAt = new Date() }: { timeoutSeconds?: number; startAt?: Date } = {},
) {
  const arn = await start(name, { request, timeoutSeconds, startAt: startAt.toISOString() });
  const { token } = await requestFor(name);
  return { arn, token };
}

/** The approver's answer, as the request-approval Lambda's link would send it. */
const answer = (token: string, approved: boolean) =>
  sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved }) }));

/** A token whose task is over is refused, as AWS refuses it. */
const expectTokenRefused = (token: string) =>
  expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({
    name: 'TaskDoesNotExist',
  });

beforeAll(async () => {
  service = await startService();
  sfn = connect(service.url);
  const text = readFileSync(new URL('../fixtures/workflows/approval.asl.json', import.meta.url), 'utf8');
  const definition = substituteDefinition(text, {
    PrepareFunctionArn: `arn:aws:lambda:${region}:${account}:function:camera-dpia-prepare`,
    RequestFunctionArn: 'camera-dpia-request-approval',
  });
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: 'approval',
      definition,
      roleArn: `arn:aws:iam::${account}:role/x`,
    }),
  );
  machineArn = created.stateMachineArn as string;
});

afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local Step Functions', () => {
  it('runs the success path: Lambda task, callback with a minted token, Choice, Wait until a timestamp', async () => {
    const startAt = new Date(Date.now() + 600);
    const { arn, token } = await startApproval('approve-1', 'r1', { startAt });
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect((await describeExecution(arn)).status).toBe('RUNNING');
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await answer(token, true);
    const done = await finished(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(Date.now()).toBeGreaterThanOrEqual(startAt.getTime());
    expect(JSON.parse(done.output as string)).toMatchObject({
      prepared: { prepared: 'R1' },
      approval: { approved: true },
    });
    const types = await historyTypes(arn);
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    await expectTokenRefused(token);
  });

  it('fails the execution through a Fail state, with its error and cause', async () => {
    const { arn, token } = await startApproval('reject-1', 'r2');
    await answer(token, false);
    expect(await finished(arn)).toMatchObject({
      status: 'FAILED',
      error: 'Rejected',
      cause: 'The approver said no',
    });
  });

  it('times the callback out after TimeoutSecondsPath seconds and takes the Catch on States.Timeout', async () => {
    const { arn, token } = await startApproval('timeout-1', 'r3', { timeoutSeconds: 1 });
    const done = await finished(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({
      outcome: 'expired',
      error: { Error: 'States.Timeout' },
    });
    expect(await historyTypes(arn)).toContain('TaskTimedOut');
    await expectTokenRefused(token);
  });

  it('passes SendTaskFailure to the execution as an error', async () => {
    const { arn, token } = await startApproval('failure-1', 'r4');
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Declined', cause: 'no budget' }));
    expect(await finished(arn)).toMatchObject({ status: 'FAILED', error: 'Declined', cause: 'no budget' });
  });

  it('stops an execution: ABORTED, an ExecutionAborted event, and its token no longer works', async () => {
    const { arn, token } = await startApproval('stop-1', 'r5');
    await sfn.send(
      new StopExecutionCommand({ executionArn: arn, error: 'Withdrawn', cause: 'by the manager' }),
    );
    expect(await describeExecution(arn)).toMatchObject({ status: 'ABORTED', error: 'Withdrawn' });
    expect((await historyTypes(arn)).at(-1)).toBe('ExecutionAborted');
    await expectTokenRefused(token);
  });

  it('treats a repeated StartExecution of a running name and input as the same call, and refuses other input', async () => {
    const input = { request: 'r6', timeoutSeconds: 30, startAt: new Date().toISOString() };
    const first = await start('same-name', input);
    const again = await start('same-name', input);
    expect(again).toBe(first);
    await expect(start('same-name', { ...input, request: 'other' })).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING' }),
    );
    expect(running.executions?.map((e) => e.name)).toContain('same-name');
    await sfn.send(new StopExecutionCommand({ executionArn: first }));
  });

  it('waits for a timestamp 30 days ahead instead of firing at once (Node timers overflow at 24.8 days)', async () => {
    const { arn, token } = await startApproval('long-wait', 'r7', {
      startAt: new Date(Date.now() + 30 * 86_400_000),
    });
    await answer(token, true);
    await until(async () => ((await historyTypes(arn)).includes('WaitStateEntered') ? true : undefined));
    await new Promise((r) => setTimeout(r, 200));
    expect((await describeExecution(arn)).status).toBe('RUNNING');
    await sfn.send(new StopExecutionCommand({ executionArn: arn }));
  });

  it('answers with AWS error names for unknown executions and bad definitions', async () => {
    await expect(
      describeExecution(`arn:aws:states:${region}:${account}:execution:approval:nope`),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'broken',
          definition: JSON.stringify({ StartAt: 'Missing', States: { A: { Type: 'Pass', End: true } } }),
          roleArn: 'arn:aws:iam::000000000000:role/x',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidDefinition' });
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn }));
    expect(described).toMatchObject({ name: 'approval', status: 'ACTIVE', type: 'STANDARD' });
  });

  it('keeps a waiting execution across a restart: the same token completes it', async () => {
    const { arn, token } = await startApproval('restart-1', 'r8', { timeoutSeconds: 60 });
    await service.close();
    requests.length = 0;
    service = await startService();
    sfn = connect(service.url);
    expect((await describeExecution(arn)).status).toBe('RUNNING');
    await new Promise((r) => setTimeout(r, 100));
    expect(requests.find((r) => r.execution === 'restart-1')).toBeUndefined(); // not mailed twice
    await answer(token, true);
    expect((await finished(arn)).status).toBe('SUCCEEDED');
    const types = await historyTypes(arn);
    expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(1);
  });

  it('runs a Map state over its items, calling the Lambda once per item', async () => {
    const arn = await machineFromDefinition('map', {
      StartAt: 'DoubleAll',
      States: {
        DoubleAll: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'n.$': '$$.Map.Item.Value' },
          ItemProcessor: {
            StartAt: 'Double',
            States: {
              Double: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: { FunctionName: 'camera-dpia-double', 'Payload.$': '$' },
                OutputPath: '$.Payload',
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
    const out = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ items: [1, 2, 3] }) }),
    );
    const done = await finished(out.executionArn as string);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual([2, 4, 6]);
    const types = await historyTypes(out.executionArn as string);
    expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(3);
  });

  it('fails a callback task with States.HeartbeatTimeout when no heartbeat comes in time', async () => {
    const arn = await machineFromDefinition('heartbeat', {
      StartAt: 'Wait for it',
      States: {
        'Wait for it': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: {
            FunctionName: 'camera-dpia-request-approval',
            Payload: { 'token.$': '$$.Task.Token', request: 'hb', 'execution.$': '$$.Execution.Name' },
          },
          HeartbeatSeconds: 1,
          End: true,
        },
      },
    });
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'hb-1' }));
    expect(await finished(out.executionArn as string)).toMatchObject({
      status: 'FAILED',
      error: 'States.HeartbeatTimeout',
    });
  });

  it('times out a whole execution after the definition TimeoutSeconds', async () => {
    const arn = await machineFromDefinition('slow', {
      TimeoutSeconds: 1,
      StartAt: 'Sleep',
      States: { Sleep: { Type: 'Wait', Seconds: 30, End: true } },
    });
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const done = await finished(out.executionArn as string);
    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect((await historyTypes(out.executionArn as string)).at(-1)).toBe('ExecutionTimedOut');
  });

  it('lists every execution of a state machine, finished and running (the AWS CLI form is in test/interop)', async () => {
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));
    const names = (executions ?? []).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['approve-1', 'reject-1', 'restart-1']));
  });
});
