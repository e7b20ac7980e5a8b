// An emulated service in a worker thread of its own, so the local stack uses both cores as the
// services would use separate machines in AWS. The worker script (plain .mjs, no TypeScript
// loader there) listens on workerData.host/port and speaks a three-message protocol:
//   in: 'close'   out: { type: 'listening', port, tid? } | { type: 'error', code, message } | { type: 'closed' }
// and answers 'gc' with { type: 'collected' } after a full garbage collection (worker-gc.mjs).
import { Worker } from 'node:worker_threads';
import { PortInUseError } from './service.js';

type WorkerMessage =
  | { type: 'listening'; port: number; tid?: number | null }
  | { type: 'error'; code?: string; message: string }
  | { type: 'closed' }
  | { type: 'collected' };

/** The service threads running in this process. */
const running = new Set<Worker>();

/**
 * The operating system's thread id of each running service thread, by service name (Linux only;
 * empty elsewhere): the benchmarks read each thread's CPU time from /proc with it.
 */
export const serviceThreadIds = new Map<string, number>();

/**
 * A full garbage collection in every service thread, for a settled measure of the process's
 * memory (the main thread collects its own with `gc()`).
 */
export async function collectWorkerGarbage(): Promise<void> {
  await Promise.all(
    [...running].map(
      (worker) =>
        new Promise<void>((resolve) => {
          const onMessage = (message: WorkerMessage) => {
            if (message.type !== 'collected') return;
            worker.off('message', onMessage).off('exit', done);
            resolve();
          };
          const done = () => resolve();
          worker.on('message', onMessage).once('exit', done);
          worker.postMessage('gc');
        }),
    ),
  );
}

export interface WorkerService {
  port: number;
  /** Asks the service to close (it flushes what it holds), then ends the thread. */
  close(): Promise<void>;
}

export async function startWorkerService(
  service: string,
  script: URL,
  workerData: { host: string; port: number } & Record<string, unknown>,
): Promise<WorkerService> {
  const worker = new Worker(script, { workerData });
  let exited = false;
  let tid: number | undefined;
  running.add(worker);
  worker.once('exit', () => {
    exited = true;
    running.delete(worker);
    if (tid !== undefined && serviceThreadIds.get(service) === tid) serviceThreadIds.delete(service);
  });
  let onError: (error: Error) => void = () => undefined;
  let onExit: (code: number) => void = () => undefined;
  let onMessage: (message: WorkerMessage) => void = () => undefined;
  const port = await new Promise<number>((resolve, reject) => {
    onError = reject;
    onExit = (code) => reject(new Error(`${service}: its thread stopped (exit ${code})`));
    onMessage = (message) => {
      if (message.type === 'listening') {
        if (message.tid) {
          tid = message.tid;
          serviceThreadIds.set(service, tid);
        }
        resolve(message.port);
      } else if (message.type === 'error') {
        reject(
          message.code === 'EADDRINUSE'
            ? new PortInUseError(service, workerData.port)
            : new Error(`${service}: ${message.message}`),
        );
      }
    };
    worker.on('error', onError).on('exit', onExit).on('message', onMessage);
  })
    .catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    })
    .finally(() => {
      // Only ours: Worker keeps listeners of its own (removeAllListeners would stop its messages).
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
    });
  // A thread that fails later ends its service with one line naming it, not the whole stack.
  worker.on('error', (error) => process.stderr.write(`${service}: its thread failed: ${error.message}\n`));
  return { port, close: () => (exited ? Promise.resolve() : closeWorker(worker)) };
}

async function closeWorker(worker: Worker): Promise<void> {
  await new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.once('message', (message: WorkerMessage) => {
      if (message.type === 'closed') void worker.terminate();
    });
    worker.postMessage('close');
  });
}
