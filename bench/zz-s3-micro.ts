import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startScratchStack } from '../local/scratch.js';
import { threadCpu, threadCpuSince } from './support/threads.js';
const scratch = await startScratchStack('s3micro');
const { s3 } = await import('../functions/shared/clients/s3.js');
const N = Number(process.env.N ?? 2000);
async function run(name: string, f: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await f(i);
  const before = threadCpu();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => { while (next < N) await f(next++); }));
  console.log(name.padEnd(12), JSON.stringify(threadCpuSince(before, N)));
}
const body = Buffer.alloc(3000, 'x');
await run('s3put', (i) => s3.send(new PutObjectCommand({ Bucket: 'camera-dpia-inbound-mail', Key: `k/${i}`, Body: body })));
await run('s3get', async (i) => { const o = await s3.send(new GetObjectCommand({ Bucket: 'camera-dpia-inbound-mail', Key: `k/${i % 100}` })); await o.Body?.transformToByteArray(); });
await scratch.close();
