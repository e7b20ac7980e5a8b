// The local S3 stores an object whole or not at all, as S3 does: a PUT cut off part way (the
// client gone, or the stack killed) leaves no object, where s3rver alone left a truncated file that
// every later GET returned (the evidence pack then failed to parse it after a crash test's kill -9).
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3ClientConfig, startS3 } from '../../local/s3.js';
import type { RunningService } from '../../local/service.js';
import { localAt } from '../support/local-sdk-client.js';

const BUCKET = 'evidence';
let dir: string;
let s3: RunningService;
let client: S3Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dpia-s3-atomic-'));
  s3 = await startS3({ host: '127.0.0.1', port: 0, dataDir: dir, buckets: [BUCKET] });
  client = new S3Client({ ...localS3ClientConfig(), ...localAt(s3.url) });
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A PUT that promises 1,000 bytes, sends 10 and hangs up. */
function cutOffPut(key: string): Promise<void> {
  return new Promise((done) => {
    const req = request(`${s3.url}/${BUCKET}/${key}`, {
      method: 'PUT',
      headers: { 'content-length': '1000', 'content-type': 'application/json' },
    });
    req.on('error', () => done());
    req.write('[{"to":"a@');
    setTimeout(() => {
      req.destroy();
      setTimeout(done, 300);
    }, 100);
  });
}

describe('the local S3', () => {
  it('keeps no object of a PUT cut off part way, and lists none', async () => {
    await cutOffPut('mail/p-1/cut.json');
    await expect(
      client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mail/p-1/cut.json' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'mail/' }));
    expect(listed.Contents ?? []).toEqual([]);
  });

  it('keeps the object as it was when a PUT over it is cut off', async () => {
    const key = 'mail/p-1/kept.json';
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '[{"to":"b@example"}]' }));
    await cutOffPut(key);
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await out.Body?.transformToString()).toBe('[{"to":"b@example"}]');
  });

  it('answers a GET straight after each PUT with the whole object, many at once', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => JSON.stringify({ n: i, pad: 'x'.repeat(64 * 1024) }));
    await Promise.all(
      bodies.map(async (body, i) => {
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `many/${i}.json`, Body: body }));
        const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `many/${i}.json` }));
        expect(await out.Body?.transformToString()).toBe(body);
      }),
    );
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'many/' }));
    expect(listed.Contents).toHaveLength(40);
  });
});
