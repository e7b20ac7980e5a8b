// s3rver in a thread of its own (see worker-service.ts for the protocol): objects are files under
// workerData.directory, and the project's buckets are created on start (what they hold is kept).
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat as fsStat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
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
const S3Object = require('s3rver/lib/models/object.js');
if (!Array.isArray(S3Object?.ALLOWED_METADATA)) {
  throw new Error('s3rver: unexpected lib/models/object.js (no ALLOWED_METADATA)');
}
/** The fields FilesystemStore.putMetadata writes to an object's metadata file. */
const storedMetadata = (metadata) =>
  Object.fromEntries(
    Object.entries(metadata ?? {}).filter(
      ([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-'),
    ),
  );

const store = FilesystemStore.prototype;
const { getMetadata, putMetadata, copyObject, deleteObject, deleteBucket } = store;

// What GET and HEAD read of an object besides its content (its metadata file, its MD5 file and the
// content file's stat), kept from the PUT that wrote it (issue 17): a GET is then one file opened,
// not three files read and a stat. Set only when a PUT completes here; every other write of a key
// (a copy onto it, new metadata, a delete, a bucket deleted) forgets it first, so a read from disk
// stands in for anything this thread did not write itself.
const described = new Map();
const describedKey = (bucket, key) => `${bucket}/${key}`;
/** The most recently written objects are the ones read back (a reply's raw mail, a letter's copy). */
const DESCRIBED_OBJECTS = 5000;
/** The directories known to exist (a delete may remove one again: a write into it then recreates it). */
const directories = new Set();

store.getMetadata = async function getMetadataKept(bucket, key) {
  const kept = described.get(describedKey(bucket, key));
  return kept ? { ...kept } : getMetadata.call(this, bucket, key);
};
store.putMetadata = async function putMetadataForgetting(bucket, key, ...rest) {
  described.delete(describedKey(bucket, key));
  return putMetadata.call(this, bucket, key, ...rest);
};
store.copyObject = async function copyObjectForgetting(srcBucket, srcKey, destBucket, destKey, ...rest) {
  described.delete(describedKey(destBucket, destKey));
  return copyObject.call(this, srcBucket, srcKey, destBucket, destKey, ...rest);
};
store.deleteObject = async function deleteObjectForgetting(bucket, key) {
  described.delete(describedKey(bucket, key));
  directories.clear();
  return deleteObject.call(this, bucket, key);
};
store.deleteBucket = async function deleteBucketForgetting(bucket) {
  described.clear();
  directories.clear();
  return deleteBucket.call(this, bucket);
};

store.putObject = async function putObjectWhole(object) {
  const cacheKey = describedKey(object.bucket, object.key);
  described.delete(cacheKey);
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  const directory = dirname(objectPath);
  if (!directories.has(directory)) {
    await mkdir(directory, { recursive: true });
    directories.add(directory);
  }
  const temporary = `${PARTIAL}/${randomUUID()}`;
  const md5 = createHash('md5');
  let size = 0;
  try {
    if (Buffer.isBuffer(object.content)) {
      md5.update(object.content);
      size = object.content.length;
      await writeFile(temporary, object.content);
    } else {
      const count = new Transform({
        transform(chunk, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline(object.content, count, createWriteStream(temporary));
    }
    const digest = md5.digest('hex');
    const place = async () => {
      await this.putMetadata(object.bucket, object.key, object.metadata, digest);
      await rename(temporary, objectPath);
    };
    try {
      await place();
    } catch (error) {
      // Its directory went with the last object in it (a delete tidies up): make it again.
      if (error.code !== 'ENOENT') throw error;
      directories.delete(directory);
      await mkdir(directory, { recursive: true });
      directories.add(directory);
      await place();
    }
    // What getMetadata would read back: the metadata file's fields, the MD5 and the content's stat.
    const stat = await fsStat(objectPath);
    if (described.size >= DESCRIBED_OBJECTS) described.delete(described.keys().next().value);
    described.set(cacheKey, {
      ...JSON.parse(JSON.stringify(storedMetadata(object.metadata))),
      etag: JSON.stringify(digest),
      'last-modified': stat.mtime.toUTCString(),
      'content-length': stat.size,
    });
    return { size, md5: digest };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

// What a PUT cut off before a kill -9 left behind.
await rm(PARTIAL, { recursive: true, force: true });
await mkdir(PARTIAL, { recursive: true });

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
