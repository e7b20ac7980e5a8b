// The SES API and sent-mail viewer on the local stack: aws-ses-v2-local, whose store is memory only,
// plus a copy of every sent mail in <dataDir>/ses/sent.jsonl that is loaded back on start. In front
// of the package: GetSendQuota (which it lacks) and, when given a rate (DPIA_SES_MAX_SEND_RATE),
// SES's own answer to a sender going faster: `Throttling`, "Maximum sending rate exceeded."
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { z } from 'zod';
import { boundPort, listen, type RunningService } from './service.js';

const SERVICE = 'SES';

type SesServerFactory = (config: { host: string; port: number }) => Promise<Server>;

/** The parts of aws-ses-v2-local's store module (`dist/store.js`) we hook into. */
interface SesStore {
  saveEmail(email: Email): void;
  clearStore(): void;
  getStoreReadonly(): { emails: Email[] };
}

/** Kept on the store module itself, so the hook is installed once however often this module is loaded. */
interface PersistenceHook {
  /** The running instance's sent.jsonl; undefined while none runs. */
  file: string | undefined;
}

const HOOK = Symbol.for('camera-dpia.local.ses.persistence');
const require = createRequire(import.meta.url);

// What each sent.jsonl line must have for /store, its `since` filter and the .eml download to work.
// The lines are the package's own objects written by us, so the rest is kept as is.
const persistedMail = z.looseObject({ messageId: z.string(), at: z.number() });

/** What GetSendQuota answers when no rate is set; nothing is then throttled. */
export const UNLIMITED_SEND_RATE = 1000;
/** GetSendQuota's Max24HourSend (not enforced). */
const MAX_24_HOUR_SEND = 1_000_000;

export async function startSes(options: {
  host: string;
  port: number;
  dataDir: string;
  /** Mails a second this SES accepts (SES's MaxSendRate); a faster sender is throttled. */
  maxSendRate?: number | null;
}): Promise<RunningService> {
  const directory = join(options.dataDir, 'ses');
  const file = join(directory, 'sent.jsonl');
  mkdirSync(directory, { recursive: true });

  const startServer = serverFactory(await import('aws-ses-v2-local'));
  const store = sesStore();
  const hook = persistenceHook(store);
  if (hook.file !== undefined) {
    // The package keeps one store per process, so a second instance would mix the two mailboxes.
    throw new Error(`${SERVICE}: a local SES already runs in this process (keeping ${hook.file})`);
  }
  store.getStoreReadonly().emails = readSentMail(file);
  hook.file = file;

  let server: Server;
  try {
    server = await startServer({ host: options.host, port: options.port });
    // The package ignores listen errors: its promise resolves with a server that is not listening.
    if (!server.listening) await explainListenFailure(options.host, options.port);
    frontQuota(server, store, options.maxSendRate ?? null);
  } catch (error) {
    hook.file = undefined;
    throw error;
  }
  return {
    name: SERVICE,
    url: `http://${options.host}:${boundPort(server)}`,
    // Each mail is appended when it is sent: closing only stops listening.
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => {
          if (hook.file === file) hook.file = undefined;
          if (error) reject(error);
          else resolve();
        }),
      ),
  };
}

/**
 * Puts GetSendQuota and the sending rate in front of the package's express app. The form body of a
 * SES v1 call is read here, once: body-parser then finds the request finished and uses req.body.
 * `GET /send-quota` tells a test the rate and how many sends were throttled.
 */
function frontQuota(server: Server, store: SesStore, maxSendRate: number | null): void {
  const app = server.listeners('request')[0] as RequestListener | undefined;
  if (!app) throw new Error(`${SERVICE}: aws-ses-v2-local's server has no request handler`);
  const limiter = sendLimiter(maxSendRate);
  let throttled = 0;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // Stamped on arrival, as SES would count it, not once the body is in.
    const arrivedAt = Date.now();
    if (req.method === 'GET' && req.url === '/send-quota') {
      sendJson(res, {
        maxSendRate: maxSendRate ?? UNLIMITED_SEND_RATE,
        enforced: maxSendRate !== null,
        throttled,
      });
      return;
    }
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/' || !isForm) {
      app(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const action = body.Action;
      if (action === 'GetSendQuota') {
        const dayAgo = Date.now() / 1000 - 86_400;
        const sent = store.getStoreReadonly().emails.filter((e) => e.at >= dayAgo).length;
        sendXml(
          res,
          200,
          `<GetSendQuotaResponse xmlns="${SES_NS}"><GetSendQuotaResult><SentLast24Hours>${sent}</SentLast24Hours><Max24HourSend>${MAX_24_HOUR_SEND}</Max24HourSend><MaxSendRate>${maxSendRate ?? UNLIMITED_SEND_RATE}</MaxSendRate></GetSendQuotaResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetSendQuotaResponse>`,
        );
        return;
      }
      if ((action === 'SendEmail' || action === 'SendRawEmail') && !limiter(arrivedAt)) {
        throttled += 1;
        sendXml(
          res,
          400,
          `<ErrorResponse xmlns="${SES_NS}"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
        return;
      }
      (req as IncomingMessage & { body: unknown }).body = body;
      app(req, res);
    });
  });
}

const SES_NS = 'http://ses.amazonaws.com/doc/2010-12-01/';

/** How much of a burst the local SES takes above its rate: one second's worth, at least 2 mails. */
const BURST_SECONDS = 1;

/**
 * True when a send arriving at `at` (ms) keeps within the rate, as SES counts it: "you can exceed
 * this quota for short bursts, but not for sustained periods". A bucket of max(2, rate x 1 s)
 * sends, refilled at the rate: a sender at the rate or under never meets it, whatever jitter
 * bunches two sends together; one going faster for long, or all at once, is refused.
 */
export function sendLimiter(rate: number | null): (at: number) => boolean {
  if (rate === null) return () => true;
  const capacity = Math.max(2, rate * BURST_SECONDS);
  let tokens = capacity;
  let last: number | undefined;
  return (at) => {
    if (last !== undefined) tokens = Math.min(capacity, tokens + ((at - last) * rate) / 1000);
    last = at;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>${xml}`);
}

function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

// ESM import gives the CJS exports object as `default` (so the function is `default.default`); a
// bundler's interop may give the function as `default`; plain require gives it as the module.
function serverFactory(mod: unknown): SesServerFactory {
  const outer = property(mod, 'default');
  for (const candidate of [property(outer, 'default'), outer, mod]) {
    if (typeof candidate === 'function') return candidate as SesServerFactory;
  }
  throw new Error('aws-ses-v2-local: no server function among its exports');
}

// The CJS exports object itself, the same instance the package's handlers use: they call
// `store_1.saveEmail(...)` and `store_1.clearStore()` through it, so replacing those properties hooks
// every send (v1, v1 raw, v2, v2 bulk) and the viewer's Clear button.
function sesStore(): SesStore {
  const mod: unknown = require('aws-ses-v2-local/dist/store.js');
  for (const name of ['saveEmail', 'clearStore', 'getStoreReadonly']) {
    if (typeof property(mod, name) !== 'function') {
      throw new Error(`aws-ses-v2-local/dist/store.js has no ${name}(): sent mail could not be kept`);
    }
  }
  return mod as SesStore;
}

function persistenceHook(store: SesStore): PersistenceHook {
  const holder = store as SesStore & { [HOOK]?: PersistenceHook };
  const existing = holder[HOOK];
  if (existing) return existing;

  const hook: PersistenceHook = { file: undefined };
  const saveEmail = store.saveEmail;
  const clearStore = store.clearStore;
  // A synchronous append before the package answers: once SendEmail returns, a kill -9 cannot lose
  // the mail (it is in the OS's file cache). If the append throws, the send fails with a 500.
  store.saveEmail = (email) => {
    if (hook.file !== undefined) appendFileSync(hook.file, `${JSON.stringify(email)}\n`);
    saveEmail(email);
  };
  // POST /clear-store (the viewer's Clear button) empties the kept copy too, or mail would come back on restart.
  store.clearStore = () => {
    clearStore();
    if (hook.file !== undefined) writeFileSync(hook.file, '');
  };
  holder[HOOK] = hook;
  return hook;
}

function readSentMail(file: string): Email[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  // A crash in the middle of an append leaves a partial last line: end it, so the next append
  // starts on a line of its own, and skip it below.
  if (text !== '' && !text.endsWith('\n')) appendFileSync(file, '\n');
  const emails: Email[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const value = parseJson(line);
    // Kept as written (key order included): saveEmail above wrote it from the package's own Email.
    if (persistedMail.safeParse(value).success) emails.push(value as Email);
  }
  return emails;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

// Bind the port ourselves to learn why the package's server could not, as a PortInUseError when taken.
async function explainListenFailure(host: string, port: number): Promise<never> {
  const probe = createServer();
  await listen(probe, SERVICE, host, port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  throw new Error(`${SERVICE}: could not listen on ${host}:${port}`);
}

function property(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  return (value as Record<string, unknown>)[key];
}
