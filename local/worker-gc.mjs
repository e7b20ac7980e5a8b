// A full garbage collection of a service's thread on request ('gc' in, { type: 'collected' } out),
// so a measure of the process's memory (the load test's, issue 15) settles every thread, not only
// the main one: a worker's heap otherwise holds garbage until its own next collection.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Answers 'gc' messages on the worker's port. */
export function answerGarbageCollection(parentPort) {
  parentPort.on('message', (message) => {
    if (message !== 'gc') return;
    setFlagsFromString('--expose-gc');
    runInNewContext('gc')();
    parentPort.postMessage({ type: 'collected' });
  });
}
