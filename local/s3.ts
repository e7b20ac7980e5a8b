// The S3 API on the local stack: s3rver with objects as files under <dataDir>/s3, and the project's
// buckets created on start (what they already hold is kept).
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { boundPort, listen, type RunningService } from './service.js';

const SERVICE = 'S3';

// s3rver ships no types: these are the parts we call.
interface S3rverInstance {
  configureBuckets(): Promise<unknown>;
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
}
type S3rverConstructor = new (options: {
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

const require = createRequire(import.meta.url);

export async function startS3(options: {
  host: string;
  port: number;
  dataDir: string;
  buckets: string[];
}): Promise<RunningService> {
  const directory = join(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const S3rver = loadS3rver();
  acceptAnyAccessKey();
  const s3rver = new S3rver({
    directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  // Creating a bucket is a mkdir -p, so existing objects stay.
  await s3rver.configureBuckets();
  // Not s3rver.run(): it never handles the listen 'error' event, so a port in use would crash the process.
  const server = createServer(s3rver.callback());
  await listen(server, SERVICE, options.host, options.port);
  return {
    name: SERVICE,
    url: `http://${options.host}:${boundPort(server)}`,
    // Every write is on disk when its response is sent: closing only stops listening.
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * Client options for the local S3. The JS SDK v3 has no environment variable for path-style
 * addressing, so it must be set in code; with a 127.0.0.1 endpoint the SDK already falls back to path
 * style (an IP cannot take a bucket subdomain), but `localhost` would resolve `<bucket>.localhost`.
 */
export function localS3ClientConfig(): { forcePathStyle: true } {
  return { forcePathStyle: true };
}

const ACCEPTS_ANY_KEY = Symbol.for('camera-dpia.local.s3.accepts-any-key');

// s3rver knows one access key (S3RVER) and answers any other with InvalidAccessKeyId, though it never
// checks a SigV4 signature. Take any key as its dummy account, as the local DynamoDB and SES do, so the
// SDK and the AWS CLI work with whatever dummy credentials they are given.
function acceptAnyAccessKey(): void {
  const accounts: unknown = require('s3rver/lib/models/account.js');
  const registry = (accounts as { registry?: unknown }).registry;
  const account = (accounts as { DUMMY_ACCOUNT?: unknown }).DUMMY_ACCOUNT;
  if (!(registry instanceof Map) || account === undefined) {
    throw new Error('s3rver: unexpected lib/models/account.js (no registry or DUMMY_ACCOUNT)');
  }
  const marked = registry as Map<unknown, unknown> & { [ACCEPTS_ANY_KEY]?: true };
  if (marked[ACCEPTS_ANY_KEY]) return;
  const get = registry.get.bind(registry);
  marked.get = (accessKeyId: unknown) => get(accessKeyId) ?? account;
  marked[ACCEPTS_ANY_KEY] = true;
}

function loadS3rver(): S3rverConstructor {
  const mod: unknown = require('s3rver');
  if (typeof mod !== 'function') throw new Error('s3rver: unexpected module shape (expected a class)');
  return mod as S3rverConstructor;
}
