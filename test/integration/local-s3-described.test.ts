// The local S3 answers a GET of an object it wrote from what the PUT wrote (issue 17: its metadata,
// MD5 and size, and a small object's content, kept in memory rather than read back from files): a
// client must not be able to tell. Every answer matches what the files on disk give after a
// restart, and a copy, new metadata or a delete of the key is seen at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3ClientConfig, startS3 } from '../../local/s3.js';
import type { RunningService } from '../../local/service.js';
import { localAt } from '../support/local-sdk-client.js';

const Bucket = 'evidence';
let dir: string;
let s3: RunningService | undefined;
let client: S3Client;

async function start(): Promise<void> {
  s3 = await startS3({ host: '127.0.0.1', port: 0, dataDir: dir, buckets: [Bucket] });
  client?.destroy();
  client = new S3Client({ ...localS3ClientConfig(), ...localAt(s3.url) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dpia-s3-described-'));
  await start();
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

const head = async (Key: string) => {
  const { $metadata: _, ...answer } = await client.send(new HeadObjectCommand({ Bucket, Key }));
  return answer;
};
const body = async (Key: string) =>
  (await client.send(new GetObjectCommand({ Bucket, Key }))).Body?.transformToString();

describe('the local S3 answering from what it wrote', () => {
  it('answers as the files on disk do, and sees every later write of the key', async () => {
    const Key = 'mail/p-1/letter.json';
    await client.send(
      new PutObjectCommand({
        Bucket,
        Key,
        Body: '{"to":"a@example.org"}',
        ContentType: 'application/json',
        Metadata: { proposal: 'p-1' },
      }),
    );
    const written = await head(Key);
    expect(written).toMatchObject({
      ContentType: 'application/json',
      ContentLength: 22,
      Metadata: { proposal: 'p-1' },
    });
    expect(await body(Key)).toBe('{"to":"a@example.org"}');

    // New metadata through a copy onto itself: the next read has it.
    await client.send(
      new CopyObjectCommand({
        Bucket,
        Key,
        CopySource: `${Bucket}/${Key}`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/plain',
        Metadata: { proposal: 'p-2' },
      }),
    );
    const copied = await head(Key);
    expect(copied).toMatchObject({ ContentType: 'text/plain', Metadata: { proposal: 'p-2' } });

    // Written again: the new size and tag, the same after a restart (read from disk then).
    await client.send(new PutObjectCommand({ Bucket, Key, Body: '{"to":"b@example.org","n":2}' }));
    const rewritten = await head(Key);
    expect(rewritten.ContentLength).toBe(28);
    expect(rewritten.ETag).not.toBe(written.ETag);
    await s3?.close();
    await start();
    expect(await head(Key)).toEqual(rewritten);
    expect(await body(Key)).toBe('{"to":"b@example.org","n":2}');

    // Deleted, then written again into the directory the delete removed.
    await client.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    await client.send(new DeleteObjectCommand({ Bucket, Key }));
    await expect(head(Key)).rejects.toMatchObject({ name: 'NotFound' });
    await client.send(new PutObjectCommand({ Bucket, Key, Body: 'again' }));
    expect(await body(Key)).toBe('again');
  });

  it('gives the same bytes, whole or by range, from memory as from disk, and sees a copy and a bucket setting', async () => {
    const small = 'abcdefghijklmnopqrstuvwxyz';
    const large = Buffer.alloc(300 * 1024, 'l'); // over what is kept in memory: read from the file
    await client.send(new PutObjectCommand({ Bucket, Key: 'raw/small', Body: small }));
    await client.send(new PutObjectCommand({ Bucket, Key: 'raw/large', Body: large }));
    const read = async (Key: string, Range?: string) =>
      (await client.send(new GetObjectCommand({ Bucket, Key, Range }))).Body?.transformToString();
    const answers = async () => ({
      whole: await read('raw/small'),
      range: await read('raw/small', 'bytes=2-5'),
      tail: await read('raw/small', 'bytes=20-'),
      large: (await read('raw/large'))?.length,
    });
    const fromMemory = await answers();
    expect(fromMemory).toEqual({ whole: small, range: 'cdef', tail: 'uvwxyz', large: large.length });
    await expect(read('raw/small', 'bytes=40-50')).rejects.toMatchObject({ name: 'InvalidRange' });

    // A copy onto another key reads as its source.
    await client.send(new CopyObjectCommand({ Bucket, Key: 'raw/copy', CopySource: `${Bucket}/raw/small` }));
    expect(await read('raw/copy')).toBe(small);

    // A bucket's CORS rules, put through the API, are seen at once (none were, before).
    await expect(client.send(new GetBucketCorsCommand({ Bucket }))).rejects.toMatchObject({
      name: 'NoSuchCORSConfiguration',
    });
    await client.send(
      new PutBucketCorsCommand({
        Bucket,
        CORSConfiguration: {
          CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['https://example.org'] }],
        },
      }),
    );
    const cors = await client.send(new GetBucketCorsCommand({ Bucket }));
    expect(cors.CORSRules?.[0]?.AllowedOrigins).toEqual(['https://example.org']);

    // After a restart everything comes from the files: the same answers.
    await s3?.close();
    await start();
    expect(await answers()).toEqual(fromMemory);
    expect(await read('raw/copy')).toBe(small);
  });
});
