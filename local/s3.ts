// The S3 API on the local stack: s3rver, in a worker thread of its own (s3-worker.mjs), with objects
// as files under <dataDir>/s3, and the project's buckets created on start (what they hold is kept).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { unlogged } from '../functions/shared/clients/unlogged.js';
import type { RunningService } from './service.js';
import { startWorkerService } from './worker-service.js';

const SERVICE = 'S3';

export async function startS3(options: {
  host: string;
  port: number;
  dataDir: string;
  buckets: string[];
}): Promise<RunningService> {
  const directory = join(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const worker = await startWorkerService(SERVICE, new URL('./s3-worker.mjs', import.meta.url), {
    directory,
    buckets: options.buckets,
    host: options.host,
    port: options.port,
  });
  return { name: SERVICE, url: `http://${options.host}:${worker.port}`, close: worker.close };
}

/**
 * The local stack's own S3 client (the SES-receiving stand-in stores each inbound message with it),
 * made as lean as the handlers' (no logger middleware) and without the request checksum the SDK
 * computes by default: s3rver never checks one, so on this client it would be CPU spent per message
 * for nothing (issue 17). The handlers' clients keep the SDK's defaults.
 */
export function localS3Client(): S3Client {
  return unlogged(new S3Client({ ...localS3ClientConfig(), requestChecksumCalculation: 'WHEN_REQUIRED' }));
}

/**
 * Client options for the local S3. The JS SDK v3 has no environment variable for path-style
 * addressing, so it must be set in code; with a 127.0.0.1 endpoint the SDK already falls back to path
 * style (an IP cannot take a bucket subdomain), but `localhost` would resolve `<bucket>.localhost`.
 */
export function localS3ClientConfig(): { forcePathStyle: true } {
  return { forcePathStyle: true };
}
