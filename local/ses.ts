// The SES API and sent-mail viewer on the local stack: aws-ses-v2-local, whose store would keep
// every sent mail in memory. Here sent mail is kept on disk only, in <dataDir>/ses/sent.jsonl
// (local/sent-mail.ts), which also serves the package's `GET /store` (with `since`) and .eml
// download, and survives a restart. In front of the package: GetSendQuota (which it lacks),
// counted per minute, and, when given a rate (DPIA_SES_MAX_SEND_RATE), SES's own answer to a
// sender going faster: `Throttling`, "Maximum sending rate exceeded."
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { SentMailLog } from './sent-mail.js';
import { boundPort, listen, type RunningService } from './service.js';

const SERVICE = 'SES';

type SesServerFactory = (config: { host: string; port: number }) => Promise<Server>;

/** The parts of aws-ses-v2-local's store module (`dist/store.js`) we hook into. */
interface SesStore {
  saveEmail(email: Email): void;
  clearStore(): void;
  getStoreReadonly(): { emails: Email[]; templates: Map<string, unknown> };
}

/** Kept on the store module itself, so the hook is installed once however often this module is loaded. */
interface PersistenceHook {
  /** The running instance's sent mail; undefined while none runs. */
  log: SentMailLog | undefined;
}

const HOOK = Symbol.for('camera-dpia.local.ses.persistence');
const require = createRequire(import.meta.url);

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
  if (hook.log !== undefined) {
    // The package keeps one store per process, so a second instance would mix the two mailboxes.
    throw new Error(`${SERVICE}: a local SES already runs in this process`);
  }
  const log = new SentMailLog(file);
  hook.log = log;

  let server: Server;
  try {
    server = await startServer({ host: options.host, port: options.port });
    // The package ignores listen errors: its promise resolves with a server that is not listening.
    if (!server.listening) await explainListenFailure(options.host, options.port);
    frontQuota(server, store, log, options.maxSendRate ?? null);
  } catch (error) {
    hook.log = undefined;
    throw error;
  }
  return {
    name: SERVICE,
    url: `http://${options.host}:${boundPort(server)}`,
    // Each mail is appended when it is sent: closing only stops listening.
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => {
          if (hook.log === log) hook.log = undefined;
          if (error) reject(error);
          else resolve();
        }),
      ),
  };
}

/**
 * Calls `listener` with every mail the local SES in this process accepts from now on (in-process
 * observers such as the benchmarks, which would otherwise poll `GET /store`). Returns the unsubscribe.
 */
export function watchSentMail(listener: (email: Email) => void): () => void {
  const log = persistenceHook(sesStore()).log;
  if (!log) throw new Error(`${SERVICE}: no local SES runs in this process`);
  return log.watch(listener);
}

/**
 * Puts the sent mail on disk, GetSendQuota and the sending rate in front of the package's express
 * app. The form body of a SES v1 call is read here, once: body-parser then finds the request
 * finished and uses req.body. `GET /send-quota` tells a test the rate and how many sends were throttled.
 */
function frontQuota(server: Server, store: SesStore, log: SentMailLog, maxSendRate: number | null): void {
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
    if (req.method === 'GET' && serveSentMail(req, res, store, log)) return;
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
        const sent = log.sentLast24Hours();
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

/**
 * The package's `GET /store` (`?since=` epoch seconds) and `GET /get-emlContent?messageId=`,
 * answered from the file as the package answers from memory. False for any other request.
 */
function serveSentMail(
  req: IncomingMessage,
  res: ServerResponse,
  store: SesStore,
  log: SentMailLog,
): boolean {
  const url = new URL(req.url ?? '/', 'http://ses.local');
  if (url.pathname === '/store') {
    const templates = Object.fromEntries(store.getStoreReadonly().templates);
    const raw = url.searchParams.getAll('since');
    if (raw.length === 0) {
      sendJson(res, { templates, emails: log.since() });
      return true;
    }
    const since = Number.parseInt(raw[0] as string, 10);
    if (raw.length > 1 || Number.isNaN(since) || raw[0] !== String(since)) {
      sendJson(
        res,
        { message: 'Bad since query param, expected integer representing epoch timestamp in seconds' },
        400,
      );
      return true;
    }
    sendJson(res, { templates, emails: log.since(since) });
    return true;
  }
  if (url.pathname === '/get-emlContent') {
    const email = log.find(url.searchParams.get('messageId') ?? '');
    if (!email) {
      sendJson(res, { message: 'Email not found within the store' }, 400);
      return true;
    }
    emlFile()
      .createEmlContent(email)
      .then((eml) => sendJson(res, eml))
      .catch((error: unknown) => sendJson(res, { message: String(error) }, 400));
    return true;
  }
  return false;
}

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

function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
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

  const hook: PersistenceHook = { log: undefined };
  const saveEmail = store.saveEmail;
  const clearStore = store.clearStore;
  // Every send (v1, v1 raw, v2, v2 bulk) goes to the file, before the package answers, and not to
  // the package's array. If the append throws, the send fails with a 500. The package's own
  // saveEmail (the array, then its optional SMTP relay) runs only while no local SES is started.
  store.saveEmail = (email) => {
    if (hook.log === undefined) return saveEmail(email);
    hook.log.append(email);
    void smtpRelay().sendEmailToSmtp(email);
  };
  // POST /clear-store (the viewer's Clear button) empties the file too, or mail would come back on restart.
  store.clearStore = () => {
    clearStore();
    hook.log?.clear();
  };
  holder[HOOK] = hook;
  return hook;
}

/**
 * The package's relay to a real SMTP server (only when its SMTP_TRANSPORT is set). Loaded on the
 * first send and kept: a `require` per send resolved the path again each time (through tsx's
 * resolver when the stack runs from source), some 50 µs of main-thread CPU a SendEmail.
 */
let relay: { sendEmailToSmtp(email: Email): Promise<void> } | undefined;
const smtpRelay = () => {
  relay ??= require('aws-ses-v2-local/dist/smtp.js') as { sendEmailToSmtp(email: Email): Promise<void> };
  return relay;
};

/** The package's .eml builder. */
const emlFile = () =>
  require('aws-ses-v2-local/dist/emlFile.js') as {
    createEmlContent(email: Email): Promise<{ messageId: string; fileName: string; body: Buffer }>;
  };

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
