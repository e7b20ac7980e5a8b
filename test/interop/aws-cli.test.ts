// The real AWS CLI (a client nobody here wrote) against the local stack: every AWS API the stack
// serves answers it as AWS would. Runs with `npm run test:interop`, which needs `aws` on PATH
// (`.ci/run` installs Debian's awscli); `npm test` covers the same endpoints with the AWS SDK.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../functions/shared/config.js';
import { LOCAL_CREDENTIALS } from '../../local/config.js';
import { proposalInput, startTestStack, type TestStack } from '../support/stack.js';

const run = promisify(execFile);
let t: TestStack;
let proposalId: string;

/** `aws ...args` against the local stack's `service`, printing JSON; what it printed. */
async function aws(service: 'dynamodb' | 's3' | 'ses' | 'sfn', ...args: string[]): Promise<string> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: t.stack.config.region,
    AWS_PAGER: '',
  };
  try {
    const { stdout } = await run(
      'aws',
      [...args, '--endpoint-url', t.stack.urls[service], '--output', 'json'],
      {
        env,
        timeout: 30_000,
      },
    );
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('the AWS CLI (`aws`) is not on PATH: install it (Debian: apt-get install awscli)');
    }
    throw error;
  }
}

/** As aws(), its output parsed. */
const awsJson = async <T>(service: 'dynamodb' | 's3' | 'ses' | 'sfn', ...args: string[]): Promise<T> =>
  JSON.parse(await aws(service, ...args)) as T;

beforeAll(async () => {
  t = await startTestStack();
  const created = await t.client.api<{ proposalId: string }>(
    'manager',
    'POST',
    '/proposals',
    proposalInput(),
  );
  expect(created.status).toBe(201);
  proposalId = created.body.proposalId;
  await t.client.waitForStatus(proposalId, ['consulting']);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the AWS CLI against the local stack', () => {
  it('lists and describes the table, and reads the proposal item', async () => {
    expect(
      (await awsJson<{ TableNames: string[] }>('dynamodb', 'dynamodb', 'list-tables')).TableNames,
    ).toEqual([DEFAULTS.tableName]);
    const table = await awsJson<{ Table: { TableStatus: string } }>(
      'dynamodb',
      'dynamodb',
      'describe-table',
      '--table-name',
      DEFAULTS.tableName,
    );
    expect(table.Table.TableStatus).toBe('ACTIVE');
    const key = { PK: { S: `PROPOSAL#${proposalId}` }, SK: { S: 'META' } };
    const item = await awsJson<{ Item: { status: { S: string } } }>(
      'dynamodb',
      'dynamodb',
      'get-item',
      '--table-name',
      DEFAULTS.tableName,
      '--key',
      JSON.stringify(key),
    );
    expect(item.Item.status.S).toBe('consulting');
  });

  it('lists the buckets and writes and reads an object', async () => {
    const listing = await aws('s3', 's3', 'ls');
    for (const bucket of [DEFAULTS.rawMailBucket, DEFAULTS.evidenceBucket]) expect(listing).toContain(bucket);
    const object = ['--bucket', DEFAULTS.evidenceBucket, '--key', 'interop/x.txt'];
    await aws('s3', 's3api', 'put-object', ...object);
    const head = await awsJson<{ ContentLength: number }>('s3', 's3api', 'head-object', ...object);
    expect(head.ContentLength).toBe(0);
  });

  it('lists, describes and reads the history of the proposal execution', async () => {
    const { stateMachines } = await awsJson<{ stateMachines: { name: string; stateMachineArn: string }[] }>(
      'sfn',
      'stepfunctions',
      'list-state-machines',
    );
    const machine = stateMachines.find((m) => m.name === DEFAULTS.stateMachineName);
    expect(machine).toBeDefined();
    const { executions } = await awsJson<{
      executions: { name: string; executionArn: string; status: string }[];
    }>('sfn', 'stepfunctions', 'list-executions', '--state-machine-arn', machine?.stateMachineArn ?? '');
    const execution = executions.find((e) => e.name === proposalId);
    expect(execution?.status).toBe('RUNNING');
    const { events: history } = await awsJson<{ events: { type: string }[] }>(
      'sfn',
      'stepfunctions',
      'get-execution-history',
      '--execution-arn',
      execution?.executionArn ?? '',
    );
    expect(history[0]?.type).toBe('ExecutionStarted');
    expect(history.map((e) => e.type)).toContain('TaskScheduled');
  });

  it('sends a mail through the SES API, which the sent-mail store then shows', async () => {
    const out = await awsJson<{ MessageId: string }>(
      'ses',
      'ses',
      'send-email',
      '--from',
      DEFAULTS.senderAddress,
      '--destination',
      'ToAddresses=interop@police.example',
      '--message',
      'Subject={Data=interop check},Body={Text={Data=hello}}',
    );
    expect(out.MessageId).toEqual(expect.any(String));
    const mail = await t.client.sentMail();
    expect(mail.map((m) => m.subject)).toContain('interop check');
  });
});
