// `npm start` as a user runs it, killed with SIGKILL mid-flight and started again: nothing is lost.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../functions/shared/config.js';
import { serviceUrl } from '../../local/config.js';
import { killableStack } from '../support/stack-process.js';
import { until as waitUntil } from '../support/until.js';

const root = new URL('../..', import.meta.url).pathname;
const stack = await killableStack('restart', {
  DPIA_EXTRA_FUNCTIONS: 'record-event=test/fixtures/functions/record-event.handler.ts',
});
const recordTo = join(stack.config.dataDir, 'events.jsonl');

function clients() {
  return {
    dynamo: new DynamoDBClient(stack.sdk('dynamodb')),
    s3: new S3Client({ ...stack.sdk('s3'), forcePathStyle: true }),
    ses: new SESClient(stack.sdk('ses')),
    sfn: new SFNClient(stack.sdk('sfn')),
  };
}

const until = <T>(probe: () => Promise<T | undefined> | T | undefined) => waitUntil(probe, 15_000, 50);

/** The tokens the task recorded; a line still being written is read on the next probe. */
const tokens = (): string[] =>
  existsSync(recordTo)
    ? readFileSync(recordTo, 'utf8')
        .split('\n')
        .flatMap((line) => {
          try {
            return [(JSON.parse(line) as { token: string }).token];
          } catch {
            return [];
          }
        })
    : [];

describe('the local stack survives kill -9', () => {
  it('keeps items, objects, sent mail and a waiting execution, which then completes', async () => {
    await stack.start();
    let { dynamo, s3, ses, sfn } = clients();

    await dynamo.send(
      new PutItemCommand({
        TableName: DEFAULTS.tableName,
        Item: { PK: { S: 'TEST#1' }, SK: { S: 'META' }, v: { S: 'kept' } },
      }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: DEFAULTS.evidenceBucket, Key: 'k/1.txt', Body: 'kept object' }),
    );
    const sent = await ses.send(
      new SendEmailCommand({
        Source: 'dpia@camera-dpia.test',
        Destination: { ToAddresses: ['someone@example.test'] },
        Message: { Subject: { Data: 'Kept mail' }, Body: { Text: { Data: 'body' } } },
      }),
    );
    const definition = readFileSync(join(root, 'test/fixtures/workflows/restart.asl.json'), 'utf8');
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'restart',
        definition,
        roleArn: 'arn:aws:iam::000000000000:role/x',
      }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'survivor',
        input: JSON.stringify({ recordTo, pauseSeconds: 1 }),
      }),
    );
    const [token] = await until(() => (tokens().length > 0 ? tokens() : undefined));

    await stack.crash();
    ({ dynamo, s3, ses, sfn } = clients());

    const item = await dynamo.send(
      new GetItemCommand({ TableName: DEFAULTS.tableName, Key: { PK: { S: 'TEST#1' }, SK: { S: 'META' } } }),
    );
    expect(item.Item?.v?.S).toBe('kept');
    const object = await s3.send(new GetObjectCommand({ Bucket: DEFAULTS.evidenceBucket, Key: 'k/1.txt' }));
    expect(await object.Body?.transformToString()).toBe('kept object');
    const store = (await (await fetch(`${serviceUrl(stack.config, 'ses')}/store`)).json()) as {
      emails: { messageId: string; subject: string }[];
    };
    expect(store.emails.find((m) => m.messageId === sent.MessageId)?.subject).toBe('Kept mail');

    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ ok: true }) }));
    const done = await until(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({ answer: { ok: true } });
    expect(tokens()).toHaveLength(1); // the callback's Lambda was not invoked a second time
  });
});
