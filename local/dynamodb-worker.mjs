// dynalite in a thread of its own: the emulated DynamoDB parses expressions and walks its LevelDB
// on the second core while the handlers, SES, S3 and Step Functions run on the first, as they
// would on separate machines in AWS. Plain JavaScript, so it runs without the TypeScript loader.
// Messages in: 'close'. Messages out: { type: 'listening', port } | { type: 'error', code, message }
// | { type: 'closed' }.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { cacheDynaliteItems } from './dynalite-cache.mjs';
import { closeDynaliteIterators } from './dynalite-iterators.mjs';
import { cacheDynaliteParsers } from './dynalite-parse-cache.mjs';
import { dynaliteWithTransactions } from './dynalite-transact.mjs';
import { installDynaliteUpdate } from './dynalite-update.mjs';
import { answerGarbageCollection } from './worker-gc.mjs';
import { osThreadId } from './worker-tid.mjs';

// Before dynalite opens its db: without it every Query and Scan leaks a LevelDB iterator (issue 15).
closeDynaliteIterators();
// Items kept decoded between requests (issue 17): a GetItem of a large item no longer re-reads it.
if (!cacheDynaliteItems()) throw new Error('dynalite: unexpected db module (no create or getItemDb)');
const require = createRequire(import.meta.url);
// Each expression parsed once per text, pattern of names and value types, not once per request.
cacheDynaliteParsers(require);
// An UpdateItem copies what it changes of an item, not the whole item (dynalite-update.mjs).
if (!installDynaliteUpdate(require)) throw new Error('dynalite: unexpected actions/updateItem module');
const { path, host, port } = workerData;
// dynalite, with TransactWriteItems added in front of it (dynalite-transact.mjs).
const server = dynaliteWithTransactions(require, {
  path,
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});

const close = () =>
  new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));

const onListening = () =>
  parentPort.postMessage({ type: 'listening', port: server.address().port, tid: osThreadId() });
server.once('error', (error) => {
  // dynalite opened its LevelDB when created and closes it only from close(), which needs a
  // listening server: listen on a throwaway port so the lock is released, then report.
  server.off('listening', onListening);
  server.listen(0, host, async () => {
    await close().catch(() => undefined);
    parentPort.postMessage({ type: 'error', code: error.code, message: error.message });
  });
});
server.once('listening', onListening);
server.listen(port, host);

answerGarbageCollection(parentPort);
parentPort.on('message', async (message) => {
  if (message !== 'close') return;
  await close().catch(() => undefined);
  parentPort.postMessage({ type: 'closed' });
});
