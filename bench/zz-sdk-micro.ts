// Micro: main-thread CPU per SDK call against the local stack's DynamoDB and S3.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startScratchStack } from '../local/scratch.js';
import { threadCpu, threadCpuSince } from '../bench/support/threads.js';

const scratch = await startScratchStack('sdkmicro');
const { dynamo } = await import('../functions/shared/clients/dynamo.js');
const { s3 } = await import('../functions/shared/clients/s3.js');
const T = 'camera-dpia';
const N = Number(process.env.N ?? 2000);
async function run(name: string, f: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await f(i);
  const before = threadCpu();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const conc = 8;
  let next = 0;
  await Promise.all(Array.from({ length: conc }, async () => { while (next < N) await f(next++); }));
  const cpu = process.cpuUsage(c0);
  console.log(name.padEnd(12), ((cpu.user + cpu.system) / 1000 / N).toFixed(3), 'ms/call all;', JSON.stringify(threadCpuSince(before, N)), ((performance.now() - t0) / N).toFixed(3), 'ms wall');
}
const body = Buffer.alloc(3000, 'x');
await run('get', (i) => dynamo.send(new GetCommand({ TableName: T, Key: { PK: `X#${i % 50}`, SK: 'A' }, ConsistentRead: true })));
await run('put', (i) => dynamo.send(new PutCommand({ TableName: T, Item: { PK: `P#${i}`, SK: 'A', a: 'hello', b: 3 } })));
await run('update', (i) => dynamo.send(new UpdateCommand({ TableName: T, Key: { PK: `P#${i}`, SK: 'A' }, UpdateExpression: 'SET #a = :a', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':a': 'x' } })));
await scratch.close();
