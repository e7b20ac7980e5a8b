// s3rver in a thread of its own (see worker-service.ts for the protocol): objects are files under
// workerData.directory, and the project's buckets are created on start (what they hold is kept).
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { answerGarbageCollection } from './worker-gc.mjs';
import { osThreadId } from './worker-tid.mjs';

const require = createRequire(import.meta.url);
const { directory, buckets, host, port } = workerData;

// s3rver knows one access key (S3RVER) and answers any other with InvalidAccessKeyId, though it
// never checks a SigV4 signature. Take any key as its dummy account, as the local DynamoDB and SES
// do, so the SDK and the AWS CLI work with whatever dummy credentials they are given.
const accounts = require('s3rver/lib/models/account.js');
if (!(accounts.registry instanceof Map) || accounts.DUMMY_ACCOUNT === undefined) {
  throw new Error('s3rver: unexpected lib/models/account.js (no registry or DUMMY_ACCOUNT)');
}
const get = accounts.registry.get.bind(accounts.registry);
accounts.registry.get = (accessKeyId) => get(accessKeyId) ?? accounts.DUMMY_ACCOUNT;

// An object is written whole or not at all, as S3 stores it: s3rver writes the object file in
// place (and answers a PUT of a buffer before the file is written), so a kill -9 mid-PUT left a
// truncated object that every later GET returned. Here the content goes to a temporary file in a
// directory beside the buckets' (never walked by a listing, and on the same disk, so the rename is
// atomic), the metadata is written, and the rename is the one step that makes the object visible.
const PARTIAL = `${directory}.partial`;
const FilesystemStore = require('s3rver/lib/stores/filesystem.js');
if (typeof FilesystemStore?.prototype?.putObject !== 'function') {
  throw new Error('s3rver: unexpected lib/stores/filesystem.js (no putObject)');
}
FilesystemStore.prototype.putObject = async function putObjectWhole(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  await mkdir(dirname(objectPath), { recursive: true });
  await mkdir(PARTIAL, { recursive: true });
  const temporary = `${PARTIAL}/${randomUUID()}`;
  const md5 = createHash('md5');
  let size = 0;
  const count = new Transform({
    transform(chunk, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    const source = Buffer.isBuffer(object.content) ? [object.content] : object.content;
    await pipeline(source, count, createWriteStream(temporary));
    const digest = md5.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    await rename(temporary, objectPath);
    return { size, md5: digest };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

// What a PUT cut off before a kill -9 left behind.
await rm(PARTIAL, { recursive: true, force: true });

const S3rver = require('s3rver');
const s3rver = new S3rver({ directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
// Creating a bucket is a mkdir -p, so existing objects stay.
await s3rver.configureBuckets();
// Not s3rver.run(): it never handles the listen 'error' event, so a port in use would end the thread.
const server = createServer(s3rver.callback());
server.once('error', (error) =>
  parentPort.postMessage({ type: 'error', code: error.code, message: error.message }),
);
server.listen(port, host, () =>
  parentPort.postMessage({ type: 'listening', port: server.address().port, tid: osThreadId() }),
);

answerGarbageCollection(parentPort);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  // Every write is on disk when its response is sent: closing only stops listening.
  server.close(() => parentPort.postMessage({ type: 'closed' }));
});
