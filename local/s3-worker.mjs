// s3rver in a thread of its own (see worker-service.ts for the protocol): objects are files under
// workerData.directory, and the project's buckets are created on start (what they hold is kept).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

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

const S3rver = require('s3rver');
const s3rver = new S3rver({ directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
// Creating a bucket is a mkdir -p, so existing objects stay.
await s3rver.configureBuckets();
// Not s3rver.run(): it never handles the listen 'error' event, so a port in use would end the thread.
const server = createServer(s3rver.callback());
server.once('error', (error) =>
  parentPort.postMessage({ type: 'error', code: error.code, message: error.message }),
);
server.listen(port, host, () => parentPort.postMessage({ type: 'listening', port: server.address().port }));

parentPort.on('message', (message) => {
  if (message !== 'close') return;
  // Every write is on disk when its response is sent: closing only stops listening.
  server.close(() => parentPort.postMessage({ type: 'closed' }));
});
