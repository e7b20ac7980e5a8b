// s3rver in a thread of its own (see worker-service.ts for the protocol): objects are files under
// workerData.directory, and the project's buckets are created on start (what they hold is kept).
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat as fsStat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { MetadataJournal } from './s3-metadata-journal.mjs';
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
const {
  getMetadata,
  putMetadata,
  copyObject,
  deleteObject,
  deleteBucket,
  getBucket,
  putBucket,
  getObject,
  getSubresource,
  putSubresource,
  deleteSubresource,
} = store;

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

// The content of the most recently written small objects, kept from their PUT as the metadata is
// (issue 17): a GET of a reply's raw mail or a letter's evidence copy, read back moments after it
// was written, is answered from memory instead of an open, reads and a close on the thread pool.
// The file is written all the same; anything else that writes a key forgets its copy first.
const contents = new Map();
/** Objects up to this size are kept, and this many bytes in all (the oldest go first). */
const KEPT_OBJECT_BYTES = 256 * 1024;
const KEPT_BYTES = 64 * 1024 * 1024;
let keptBytes = 0;
const forgetContent = (cacheKey) => {
  const kept = contents.get(cacheKey);
  if (!kept) return;
  keptBytes -= kept.length;
  contents.delete(cacheKey);
};
const keepContent = (cacheKey, content) => {
  forgetContent(cacheKey);
  if (content.length > KEPT_OBJECT_BYTES) return;
  while (keptBytes + content.length > KEPT_BYTES && contents.size > 0) {
    forgetContent(contents.keys().next().value);
  }
  contents.set(cacheKey, content);
  keptBytes += content.length;
};
const forget = (bucket, key) => {
  described.delete(describedKey(bucket, key));
  forgetContent(describedKey(bucket, key));
};
/** An object written or removed other than by a PUT here: what is kept of it, and its journal line, go. */
const forgetObject = (bucket, key) => {
  forget(bucket, key);
  journal.delete(bucket, key);
};
const forgetAll = () => {
  described.clear();
  contents.clear();
  keptBytes = 0;
  directories.clear();
  existingBuckets.clear();
  absentSubresources.clear();
};

// An object written here has its metadata and MD5 in the metadata journal
// (s3-metadata-journal.mjs), not in the two files s3rver writes beside it (issue 17): a PUT creates
// one file, its content. An object s3rver wrote itself (a copy, new metadata) has its files and is
// read by s3rver.
const journal = new MetadataJournal(`${directory}.metadata.jsonl`);

store.getMetadata = async function getMetadataKept(bucket, key) {
  const kept = described.get(describedKey(bucket, key));
  if (kept) return { ...kept };
  const journalled = journal.get(bucket, key);
  if (!journalled) return getMetadata.call(this, bucket, key);
  // As s3rver's: the object's own stat, which throws ENOENT when it is not there.
  const stat = await fsStat(this.getResourcePath(bucket, key, 'object'));
  return description(journalled.metadata, journalled.md5, stat);
};

/** What getMetadata answers for an object: its stored metadata, its MD5 as the ETag, and its file's stat. */
const description = (metadata, md5, stat) => ({
  ...metadata,
  etag: JSON.stringify(md5),
  'last-modified': stat.mtime.toUTCString(),
  'content-length': stat.size,
});
store.putMetadata = async function putMetadataForgetting(bucket, key, ...rest) {
  forgetObject(bucket, key);
  return putMetadata.call(this, bucket, key, ...rest);
};
store.copyObject = async function copyObjectForgetting(srcBucket, srcKey, destBucket, destKey, ...rest) {
  // s3rver copies the source's metadata and MD5 files, which an object written here does not
  // have: write them first, as s3rver would have.
  const journalled = journal.get(srcBucket, srcKey);
  if (journalled) {
    await writeFile(
      this.getResourcePath(srcBucket, srcKey, 'metadata.json'),
      JSON.stringify(journalled.metadata),
    );
    await writeFile(this.getResourcePath(srcBucket, srcKey, 'object.md5'), journalled.md5);
  }
  forgetObject(destBucket, destKey);
  return copyObject.call(this, srcBucket, srcKey, destBucket, destKey, ...rest);
};
store.deleteObject = async function deleteObjectForgetting(bucket, key) {
  forgetObject(bucket, key);
  directories.clear();
  return deleteObject.call(this, bucket, key);
};
store.deleteBucket = async function deleteBucketForgetting(bucket) {
  forgetAll();
  journal.deleteBucket(bucket);
  return deleteBucket.call(this, bucket);
};

// Every request asks whether its bucket exists (a stat) and for the bucket's CORS and website
// configuration (two reads that find no file): kept here, the project's buckets having neither
// unless one is put through the API, which forgets what was kept.
const existingBuckets = new Map();
const absentSubresources = new Set();
store.getBucket = async function getBucketKept(bucket) {
  const kept = existingBuckets.get(bucket);
  if (kept) return kept;
  const found = await getBucket.call(this, bucket);
  if (found) existingBuckets.set(bucket, found);
  return found;
};
store.putBucket = async function putBucketForgetting(bucket) {
  existingBuckets.delete(bucket);
  return putBucket.call(this, bucket);
};
const subresourceKey = (bucket, type) => `${bucket}/${type}`;
store.getSubresource = async function getSubresourceKept(bucket, key, type) {
  if (key !== undefined) return getSubresource.call(this, bucket, key, type);
  if (absentSubresources.has(subresourceKey(bucket, type))) return null;
  const found = await getSubresource.call(this, bucket, key, type);
  if (found === null) absentSubresources.add(subresourceKey(bucket, type));
  return found;
};
store.putSubresource = async function putSubresourceForgetting(bucket, key, resource) {
  if (key === undefined) absentSubresources.delete(subresourceKey(bucket, resource.type));
  return putSubresource.call(this, bucket, key, resource);
};
store.deleteSubresource = async function deleteSubresourceForgetting(bucket, key, type) {
  if (key === undefined) absentSubresources.delete(subresourceKey(bucket, type));
  return deleteSubresource.call(this, bucket, key, type);
};

store.getObject = async function getObjectKept(bucket, key, options) {
  const content = contents.get(describedKey(bucket, key));
  const kept = described.get(describedKey(bucket, key));
  if (!content || !kept) return getObject.call(this, bucket, key, options);
  // As FilesystemStore.getObject: the range asked for, or none when it cannot be satisfied.
  const metadata = { ...kept };
  const lastByte = Math.max(0, content.length - 1);
  const range = {
    start: options?.start || 0,
    end: Math.min(options?.end || Number.POSITIVE_INFINITY, lastByte),
  };
  const ranged = options && (options.start !== undefined || options.end);
  const satisfiable = range.start >= 0 && Math.min(range.end, lastByte) >= range.start;
  const body = satisfiable ? Readable.from([content.subarray(range.start, range.end + 1)]) : null;
  const object = new S3Object(bucket, key, body, metadata);
  if (ranged) object.range = range;
  return object;
};

store.putObject = async function putObjectWhole(object) {
  const cacheKey = describedKey(object.bucket, object.key);
  forget(object.bucket, object.key);
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  const directory = dirname(objectPath);
  if (!directories.has(directory)) {
    await mkdir(directory, { recursive: true });
    directories.add(directory);
  }
  const temporary = `${PARTIAL}/${randomUUID()}`;
  const md5 = createHash('md5');
  let size = 0;
  /** The content, when small enough to keep (null once it is not). */
  let chunks = [];
  try {
    if (Buffer.isBuffer(object.content)) {
      md5.update(object.content);
      size = object.content.length;
      chunks = [object.content];
      await writeFile(temporary, object.content);
    } else {
      const count = new Transform({
        transform(chunk, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          if (chunks && size <= KEPT_OBJECT_BYTES) chunks.push(chunk);
          else chunks = null;
          callback(null, chunk);
        },
      });
      await pipeline(object.content, count, createWriteStream(temporary));
    }
    const digest = md5.digest('hex');
    // A plain copy: what the journal and the kept description hold must not change with the request.
    const metadata = JSON.parse(JSON.stringify(storedMetadata(object.metadata)));
    const place = async () => {
      journal.set(object.bucket, object.key, { metadata, md5: digest });
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
    if (described.size >= DESCRIBED_OBJECTS) {
      const oldest = described.keys().next().value;
      described.delete(oldest);
      forgetContent(oldest);
    }
    described.set(cacheKey, description(metadata, digest, stat));
    if (chunks && size <= KEPT_OBJECT_BYTES) {
      keepContent(cacheKey, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    }
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
  server.close(() => {
    journal.close();
    parentPort.postMessage({ type: 'closed' });
  });
});
