// Runs startSmtp (smtp.ts) in a worker thread of its own (smtp-worker.mjs; protocol in
// worker-service.ts). Each stored message's SES event is posted to the stack's thread, which invokes
// the inbound-mail function with it exactly as before ({ type: 'invoke', id, event }) and answers
// ({ type: 'invoked', id, error? }); retries, markers and logging stay in smtp.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { S3Client } from '@aws-sdk/client-s3';
import type { SesReceiptEvent } from '../functions/shared/ses-event.js';
import { localS3ClientConfig } from './s3.js';
import type { RunningService } from './service.js';
import { PortInUseError } from './service.js';
import { type SmtpOptions, startSmtp } from './smtp.js';

export type SmtpThreadData = Omit<SmtpOptions, 's3' | 'invoke'>;

/** From the thread: hand this event to the function. */
export interface InvokeMessage {
  type: 'invoke';
  id: number;
  event: SesReceiptEvent;
}

/** To the thread: the invocation ended, failing with `error` (its name) when given. */
export interface InvokedMessage {
  type: 'invoked';
  id: number;
  error?: string;
}

const port = parentPort;
if (!port) throw new Error('smtp-thread.ts runs in a worker thread (see startSmtpThread)');
const options = workerData as SmtpThreadData;

const waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();
let next = 0;
const invoke = (event: SesReceiptEvent) =>
  new Promise<void>((resolve, reject) => {
    const id = ++next;
    waiting.set(id, { resolve, reject });
    port.postMessage({ type: 'invoke', id, event } satisfies InvokeMessage);
  });

let service: RunningService | undefined;
port.on('message', async (message: InvokedMessage | 'close') => {
  if (message === 'close') {
    await service?.close().catch(() => undefined);
    port.postMessage({ type: 'closed' });
    return;
  }
  if (message?.type !== 'invoked') return;
  const call = waiting.get(message.id);
  waiting.delete(message.id);
  if (!call) return;
  if (message.error === undefined) return call.resolve();
  const error = new Error('the invocation failed');
  error.name = message.error;
  call.reject(error);
});

try {
  service = await startSmtp({ ...options, s3: new S3Client(localS3ClientConfig()), invoke });
  port.postMessage({ type: 'listening', port: Number(new URL(service.url).port) });
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  port.postMessage({
    type: 'error',
    code: error instanceof PortInUseError ? 'EADDRINUSE' : e.code,
    message: e.message,
  });
}
