// Issue 15, crash safety (found by crash-lifecycle.test.ts): a callback task (.waitForTaskToken)
// whose Lambda the crash cut off before it returned. The local engine had saved the task first and,
// after the restart, took it as invoked: it waited for a token no Lambda had ever stored or mailed
// (the approver's link never went out). Its Lambda now runs again with the same token.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime } from '../../local/lambda.js';
import type { RunningService } from '../../local/service.js';
import { StepFunctionsEngine } from '../../local/stepfunctions/engine.js';
import { startStepFunctions } from '../../local/stepfunctions/server.js';
import { substituteDefinition } from '../../local/stepfunctions/substitutions.js';
import { oneAttemptAt } from '../support/local-sdk-client.js';
import { until } from '../support/until.js';

const region = 'eu-west-2';
const account = '000000000000';
const dataDir = mkdtempSync(join(tmpdir(), 'dpia-sfn-crash-'));
const calls: { token: string; execution: string }[] = [];
let service: RunningService | undefined;

/** The engine on dataDir; `cutOff`: the callback Lambda never returns, as when the process dies in it. */
async function startService(cutOff: boolean): Promise<SFNClient> {
  const lambda = createLambdaRuntime({
    region,
    account,
    registry: [],
    handlers: {
      prepare: () => ({ prepared: true }),
      'request-approval': (event: { token: string; execution: string }) => {
        calls.push(event);
        return cutOff ? new Promise(() => undefined) : { mailed: true };
      },
    },
  });
  const engine = new StepFunctionsEngine({ dataDir, region, account, lambda });
  engine.start();
  service = await startStepFunctions({ host: '127.0.0.1', port: 0, engine });
  return new SFNClient(oneAttemptAt(service.url, region));
}

afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a callback task cut off mid-invoke by a crash', () => {
  it('invokes its Lambda again after the restart, with the same token, and completes', async () => {
    let sfn = await startService(true);
    const text = readFileSync(new URL('../fixtures/workflows/approval.asl.json', import.meta.url), 'utf8');
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'approval',
        definition: substituteDefinition(text, {
          PrepareFunctionArn: `arn:aws:lambda:${region}:${account}:function:camera-dpia-prepare`,
          RequestFunctionArn: 'camera-dpia-request-approval',
        }),
        roleArn: `arn:aws:iam::${account}:role/x`,
      }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'cut-off',
        input: JSON.stringify({ request: 'r1', timeoutSeconds: 60, startAt: new Date().toISOString() }),
      }),
    );
    const first = await until(() => calls[0]);

    await service?.close();
    sfn = await startService(false);

    const again = await until(() => calls[1]);
    expect(again).toEqual(first);
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: first.token, output: JSON.stringify({ approved: true }) }),
    );
    const done = await until(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(calls).toHaveLength(2);
  });
});
