// The SES API and sent-mail viewer on the local stack: aws-ses-v2-local, whose store is memory only,
// plus a copy of every sent mail in <dataDir>/ses/sent.jsonl that is loaded back on start.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
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

export async function startSes(options: {
  host: string;
  port: number;
  dataDir: string;
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
