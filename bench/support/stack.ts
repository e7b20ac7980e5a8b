// A local stack for one benchmark: free ports, a temporary data directory, silent handlers, and
// observers that cost the measured system next to nothing: sent mail is handed over by the SES
// emulator in this process as it is accepted (without serialising megabytes of `GET /store` per
// poll), requests are counted from Node's own `http.client.*` diagnostics channels (the services
// may run in threads of their own, whose server channels this thread cannot see; every AWS SDK
// client of the stack runs in this one), and the local Step Functions in this process says as each
// execution ends.
import { type Channel, channel } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { newestSignedLink } from '../../local/client.js';
import type { LocalConfig, ServiceName } from '../../local/config.js';
import type { LocalStack } from '../../local/runner.js';
import { type ScratchOptions, startScratchStack } from '../../local/scratch.js';
import { watchSentMail } from '../../local/ses.js';
import { watchExecutionEnds } from '../../local/stepfunctions/run.js';
import { ISOLATED_ENV } from './isolate.js';

/** Marks the benchmark's own polling clients, whose requests the RequestCounter leaves out. */
export const WATCHER_AGENT = 'camera-dpia-bench-watcher';

/** A DynamoDB client for watching the table (polls, checks): not counted as the system's calls. */
export function watcherDynamo(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ customUserAgent: WATCHER_AGENT }));
}

export interface BenchStack {
  stack: LocalStack;
  config: LocalConfig;
  mail: MailWatch;
  requests: RequestCounter;
  executions: ExecutionWatch;
  api<T = unknown>(
    role: 'manager' | 'auditor' | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; text: string }>;
  close(): Promise<void>;
}

/**
 * Where a benchmark's stack keeps its data. Run isolated (bench/run.ts), the directory is left on
 * close and the parent removes it once every benchmark has run (support/isolate.ts): removing a
 * stack's thousands of files right away made the next benchmark's file creations slow (ext4 passes
 * over inodes freed in the last one to five minutes when it allocates one), so one benchmark's
 * clean-up showed in the next one's figures. Run alone, close() removes it.
 */
export function benchDataDir(): ScratchOptions {
  const parent = process.send?.bind(process);
  // Only a child of support/isolate.ts has a parent that removes it (a vitest worker has IPC too).
  if (!parent || process.env[ISOLATED_ENV] !== '1') return {};
  return { onDataDir: (dir) => parent({ tempDir: dir }), keepDataDir: true };
}

/** Starts a stack on free ports in a fresh temporary directory. */
export async function startBenchStack(label: string): Promise<BenchStack> {
  process.env.DPIA_LOG_LEVEL = 'silent';
  const scratch = await startScratchStack(`bench-${label}`, benchDataDir());
  const { stack, client } = scratch;
  const mail = new MailWatch();
  const requests = new RequestCounter(stack.config.ports);
  const executions = new ExecutionWatch(stack.stateMachineArn ?? '');
  mail.start();
  requests.start();
  return {
    stack,
    config: stack.config,
    mail,
    requests,
    executions,
    async api<T>(
      role: 'manager' | 'auditor' | null,
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) {
      return client.api<T>(role, method, path, body, headers);
    },
    async close() {
      mail.stop();
      requests.stop();
      executions.stop();
      await scratch.close();
    },
  };
}

export interface WatchedMail {
  mail: Email;
  /** performance.now() when SES accepted it (the local SES hands it over as it appends it). */
  seenAt: number;
  reference: string | null;
  to: string;
}

/** Every mail SES accepted, indexed by the `[DPIA-…]` reference in its subject. */
export class MailWatch {
  private pending: { mail: Email; seenAt: number }[] = [];
  private unwatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly byReference = new Map<string, WatchedMail[]>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly pollMs = 5) {}

  start(): void {
    this.unwatch = watchSentMail((mail) => this.pending.push({ mail, seenAt: performance.now() }));
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    this.unwatch?.();
    clearInterval(this.timer);
    this.listeners.clear();
  }

  /** Drops what is kept of a proposal's mail, once a test is done with it (a long run holds no more than it needs). */
  forget(reference: string): void {
    this.poll();
    this.byReference.delete(reference);
  }

  private poll(): void {
    if (this.pending.length === 0) return;
    const emails = this.pending;
    this.pending = [];
    for (const { mail, seenAt } of emails) {
      const reference = /\[(DPIA-\d{4}-\d{4,})\]/.exec(mail.subject)?.[1] ?? null;
      const watched: WatchedMail = {
        mail,
        seenAt,
        reference,
        to: (mail.destination?.to?.[0] ?? '').toLowerCase(),
      };
      const key = reference ?? '';
      const list = this.byReference.get(key);
      if (list) list.push(watched);
      else this.byReference.set(key, [watched]);
    }
    for (const listener of [...this.listeners]) listener();
  }

  ofReference(reference: string): WatchedMail[] {
    this.poll();
    return this.byReference.get(reference) ?? [];
  }

  /** Consultation letters of a proposal: the mails whose Reply-To is a `consult+<token>` address. */
  consultation(reference: string): WatchedMail[] {
    return this.ofReference(reference).filter((m) => (m.mail.replyTo?.[0] ?? '').startsWith('consult+'));
  }

  /** The latest review link mailed to the approver, as `/review/<id>?sig=…`. */
  reviewLink(reference: string, approver: string): string | undefined {
    const mails = this.ofReference(reference).filter((m) => m.to === approver.toLowerCase());
    return newestSignedLink(
      mails.map((m) => m.mail),
      'review',
    );
  }

  /** Resolves with the probe's first defined value, probing again after every batch of new mail. */
  waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = probe();
      if (first !== undefined && first !== false) return resolve(first);
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const listener = () => {
        const value = probe();
        if (value === undefined || value === false) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(value);
      };
      this.listeners.add(listener);
    });
  }
}

interface ClientEvent {
  request: ClientRequest;
  response?: IncomingMessage;
}

/**
 * Counts requests reaching the stack's emulated AWS services by operation (`dynamodb:PutItem`,
 * `ses:SendEmail`, `s3:PutObject`, `sfn:SendTaskSuccess`), and when the last of each finished.
 */
export class RequestCounter {
  private counts = new Map<string, number>();
  private finished = new Map<string, { count: number; lastAt: number; bytes: number }>();
  private readonly byPort = new Map<number, ServiceName>();
  private readonly started: Channel = channel('http.client.request.start');
  private readonly done: Channel = channel('http.client.response.finish');

  constructor(ports: Record<ServiceName, number>) {
    for (const [service, port] of Object.entries(ports)) this.byPort.set(port, service as ServiceName);
  }

  private readonly onStart = (message: unknown) => {
    // A call the SDK tries again (its `amz-sdk-request: attempt=2; max=3`) is the same call: the
    // mix counts calls, and a retry at load is not a call the floor could have left out.
    const attempt = /attempt=(\d+)/.exec(
      String((message as ClientEvent).request.getHeader('amz-sdk-request') ?? ''),
    )?.[1];
    if (attempt !== undefined && attempt !== '1') return;
    const op = this.operation(message as ClientEvent);
    if (op) this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
  };

  private readonly onDone = (message: unknown) => {
    const op = this.operation(message as ClientEvent);
    if (!op) return;
    const entry = this.finished.get(op) ?? { count: 0, lastAt: 0, bytes: 0 };
    entry.count += 1;
    entry.lastAt = performance.now();
    entry.bytes += Number((message as ClientEvent).response?.headers['content-length'] ?? 0);
    this.finished.set(op, entry);
  };

  start(): void {
    this.started.subscribe(this.onStart);
    this.done.subscribe(this.onDone);
  }

  stop(): void {
    this.started.unsubscribe(this.onStart);
    this.done.unsubscribe(this.onDone);
  }

  reset(): void {
    this.counts = new Map();
    this.finished = new Map();
  }

  /** Requests started since the last reset, by operation. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Sum of the counts whose operation starts with `prefix` (e.g. `dynamodb:`). */
  total(prefix: string): number {
    let sum = 0;
    for (const [op, n] of this.counts) if (op.startsWith(prefix)) sum += n;
    return sum;
  }

  /** Response bytes (by Content-Length) the operation returned since the last reset. */
  bytesOut(op: string): number {
    return this.finished.get(op)?.bytes ?? 0;
  }

  lastFinishedAt(op: string): number {
    return this.finished.get(op)?.lastAt ?? Number.NaN;
  }

  private operation({ request }: ClientEvent): string | undefined {
    const port = Number(/:(\d+)$/.exec(String(request.getHeader('host') ?? ''))?.[1]);
    const service = this.byPort.get(port);
    if (!service || service === 'api') return undefined;
    // The benchmark watching is not the system working.
    if (String(request.getHeader('user-agent') ?? '').includes(WATCHER_AGENT)) return undefined;
    const target = request.getHeader('x-amz-target');
    if (typeof target === 'string') return `${service}:${target.split('.').at(-1)}`;
    if (service === 'ses') {
      // The handlers use SES v1, whose every call is a POST to `/`: SendEmail, and GetSendQuota once
      // per fan-out run (counted with them; it comes first, so the last one to finish is a SendEmail).
      return request.method === 'POST' && request.path === '/'
        ? 'ses:SendEmail'
        : `ses:${request.method} ${request.path}`;
    }
    if (service === 's3') {
      const op = { PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' }[
        request.method ?? ''
      ];
      return `s3:${op ?? request.method}`;
    }
    return `${service}:${request.method}`;
  }
}

/**
 * Waits for executions (by name: the proposal id) to reach a final status: told by the local
 * engine in this process as each one ends (no ListExecutions poll competing with the system for
 * its thread), with one DescribeExecution per wait for an execution that ended before it.
 */
export class ExecutionWatch {
  private readonly sfn = new SFNClient({ customUserAgent: WATCHER_AGENT });
  private readonly waiters = new Map<
    string,
    { resolve(at: number): void; reject(error: Error): void; wanted: string }[]
  >();
  private readonly unwatch: () => void;

  constructor(private readonly stateMachineArn: string) {
    const prefix = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
    this.unwatch = watchExecutionEnds((end) => {
      if (end.executionArn.startsWith(prefix)) this.ended(end.name, end.status, performance.now());
    });
  }

  /** Resolves with performance.now() when the execution was seen in `status`; rejects on another end. */
  waitFor(name: string, status = 'SUCCEEDED', timeoutMs = 120_000): Promise<number> {
    const waited = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`execution ${name} not ${status} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const list = this.waiters.get(name) ?? [];
      list.push({
        wanted: status,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.waiters.set(name, list);
    });
    // It may have ended already (or not started yet: then the engine tells us when it ends).
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    void this.sfn
      .send(new DescribeExecutionCommand({ executionArn }))
      .then((out) => {
        if (out.status && out.status !== 'RUNNING') this.ended(name, out.status, performance.now());
      })
      .catch(() => undefined);
    return waited;
  }

  stop(): void {
    this.unwatch();
  }

  private ended(name: string, status: string, at: number): void {
    const list = this.waiters.get(name);
    if (!list) return;
    this.waiters.delete(name);
    for (const w of list) {
      if (status === w.wanted) w.resolve(at);
      else w.reject(new Error(`execution ${name} ended ${status}, not ${w.wanted}`));
    }
  }
}
