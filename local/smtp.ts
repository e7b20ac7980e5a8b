// Inbound SMTP on the local stack, standing in for SES email receiving: each reply to the inbound
// domain is stored raw in S3 under the SES key scheme, then handed to the inbound-mail function as the
// event an SES Lambda receipt action sends.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Address, addressParser, decodeWords } from 'postal-mime';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { rawMailKey } from '../functions/shared/config.js';
import { type SesCommonHeaders, type SesHeader, SesReceiptEvent } from '../functions/shared/ses-event.js';
import { boundPort, listen, type RunningService } from './service.js';
import { PendingJournal } from './smtp-journal.js';

const SERVICE = 'SMTP';

/** SES refuses larger messages; so do we, with the same 552. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** SES cuts the event's header list at 10 KB and says so in headersTruncated. */
const MAX_EVENT_HEADER_BYTES = 10 * 1024;
/**
 * AWS retries a failed asynchronous invoke twice (after about 1 and 2 minutes); locally the same two
 * retries come sooner so a developer sees the outcome while watching.
 */
const RETRY_DELAYS_MS = [250, 1000] as const;

export interface SmtpOptions {
  host: string;
  port: number;
  /** Only RCPT TO addresses at this domain are accepted, as by the SES receipt rule. */
  inboundDomain: string;
  s3: S3Client;
  bucket: string;
  /** Named in the event's receipt.action, as SES names the function it invokes. */
  functionArn: string;
  invoke: (event: SesReceiptEvent) => Promise<unknown>;
  dataDir: string;
  region?: string;
}

/** What an SMTP client is told, with the reply code it needs to decide between retry and give up. */
class SmtpReplyError extends Error {
  override readonly name = 'SmtpReplyError';
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startSmtp(options: SmtpOptions): Promise<RunningService> {
  const inboundDomain = options.inboundDomain.toLowerCase();
  const smtpDir = join(options.dataDir, 'smtp');
  const failedDir = join(smtpDir, 'failed');
  await mkdir(failedDir, { recursive: true });
  // Replies accepted before a crash or stop whose handler never finished are handed over again below.
  const journal = new PendingJournal(smtpDir);

  const storing = new Set<Promise<unknown>>();
  const retryTimers = new Set<NodeJS.Timeout>();
  let closing = false;
  /** Invocations under way: the journal stays open until the last one is done. */
  let inFlight = 0;

  /**
   * Runs the asynchronous invocation SES makes, retrying as Lambda does for `Event` invokes. `event`
   * is the event's JSON text, as in the journal.
   */
  const deliver = (event: string, id: string, attempt = 0): void => {
    inFlight += 1;
    // A fresh copy per attempt, as each AWS invocation deserialises its own event.
    Promise.resolve()
      .then(() => options.invoke(JSON.parse(event) as SesReceiptEvent))
      .then(
        () => journal.done(id),
        (error: unknown) => {
          // After close() the message stays pending: the next start re-invokes it, as after a crash.
          if (closing) return;
          const delay = RETRY_DELAYS_MS[attempt];
          if (delay === undefined) {
            return giveUp(
              id,
              event,
              `not handled after ${RETRY_DELAYS_MS.length + 1} attempts (${errorName(error)})`,
            );
          }
          const timer = setTimeout(() => {
            retryTimers.delete(timer);
            deliver(event, id, attempt + 1);
          }, delay);
          retryTimers.add(timer);
        },
      )
      .catch((error: unknown) => process.stderr.write(`smtp: inbound mail ${id}: ${errorName(error)}\n`))
      .finally(() => {
        inFlight -= 1;
        // A handler that finishes after close() still marks its message done.
        if (closing && inFlight === 0) journal.close();
      });
  };

  const giveUp = (id: string, event: string, why: string): void => {
    const kept = join(failedDir, `${id}.json`);
    writeFileSync(kept, `${event}\n`);
    journal.done(id);
    // The message id only: the event holds addresses and subjects, which stay out of logs.
    process.stderr.write(`smtp: inbound mail ${id} ${why}; its event is kept in ${kept}\n`);
  };

  const accept = async (
    raw: Buffer,
    session: SMTPServerSession,
    receivedAt: Date,
  ): Promise<{ id: string; event: string }> => {
    const id = sesMessageId();
    try {
      await options.s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: rawMailKey(id), Body: raw }));
    } catch (error) {
      process.stderr.write(
        `smtp: storing inbound mail ${id} in S3 failed (${errorName(error)}); the sender was told to retry\n`,
      );
      throw new SmtpReplyError(451, '4.3.0 Could not store the message: try again later');
    }
    const event = JSON.stringify(buildEvent(raw, session, receivedAt, id, options.functionArn));
    // The journal's line is what survives a crash between the 250 and the invocation.
    journal.add(id, event);
    return { id, event };
  };

  const server = new SMTPServer({
    name: `inbound-smtp.${options.region ?? 'local'}.localhost`,
    banner: 'camera-dpia local inbound mail (SES receiving stand-in)',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    logger: false,
    // Every client is on this machine; a reverse DNS lookup would only delay the greeting.
    disableReverseLookup: true,
    onMailFrom(_address, _session, callback) {
      if (closing) return callback(new SmtpReplyError(421, '4.3.2 Service shutting down: try again later'));
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (domainOf(address.address) !== inboundDomain) {
        return callback(
          new SmtpReplyError(
            550,
            `5.7.1 <${address.address}>: relay denied; this server only accepts mail for @${options.inboundDomain}`,
          ),
        );
      }
      callback();
    },
    onData(stream, session, callback) {
      const receivedAt = new Date();
      const work = readMessage(stream)
        .then((raw) => {
          if (raw === null) {
            throw new SmtpReplyError(
              552,
              `5.3.4 Message exceeds the fixed maximum size of ${MAX_MESSAGE_BYTES} bytes`,
            );
          }
          return accept(raw, session, receivedAt);
        })
        .then(
          ({ id, event }) => {
            callback(null, `Ok ${id}`);
            // After the reply, never before it: SES does not hold the SMTP session for the handler.
            deliver(event, id);
          },
          (error: unknown) =>
            callback(
              error instanceof SmtpReplyError ? error : new SmtpReplyError(451, '4.3.0 Try again later'),
            ),
        );
      storing.add(work);
      work.finally(() => storing.delete(work)).catch(() => {});
    },
  });
  // Connection-level errors (a client hanging up mid-session) concern that client only; without a
  // listener Node would treat them as fatal to the process.
  server.on('error', () => {});

  await listen(server, SERVICE, options.host, options.port);
  const url = `smtp://${options.host}:${boundPort(server.server)}`;

  for (const { id, event } of journal.pending) {
    let unreadable: string | undefined;
    try {
      if (!SesReceiptEvent.safeParse(JSON.parse(event)).success) unreadable = 'not an SES receipt event';
    } catch (error) {
      unreadable = errorName(error);
    }
    if (unreadable) giveUp(id, event, `has an unreadable pending event (${unreadable})`);
    else deliver(event, id);
  }

  return {
    name: SERVICE,
    url,
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      while (storing.size > 0) await Promise.allSettled([...storing]);
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      // Idle sessions would otherwise hold close() for smtp-server's 30 s grace period.
      for (const connection of server.connections) {
        connection.send(421, '4.3.2 Service shutting down');
        connection.close();
      }
      await stopped;
      if (inFlight === 0) journal.close();
    },
  };
}

/** Reads the whole DATA stream (it must be drained either way); null when it went over the limit. */
function readMessage(stream: SMTPServerDataStream): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_MESSAGE_BYTES) chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(stream.sizeExceeded ? null : Buffer.concat(chunks)));
  });
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

const domainOf = (address: string): string | null => {
  const at = address.lastIndexOf('@');
  return at < 0 ? null : address.slice(at + 1).toLowerCase();
};

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 40 random lowercase alphanumerics, the shape of the ids SES gives received mail. */
export function sesMessageId(): string {
  let id = '';
  while (id.length < 40) {
    for (const byte of randomBytes(48)) {
      // 252 = 7 * 36: dropping the last four byte values keeps every character equally likely.
      if (byte < 252 && id.length < 40) id += ID_ALPHABET[byte % ID_ALPHABET.length];
    }
  }
  return id;
}

function buildEvent(
  raw: Buffer,
  session: SMTPServerSession,
  receivedAt: Date,
  id: string,
  functionArn: string,
): SesReceiptEvent {
  const headerBlock = headerSection(raw);
  const { headers, truncated } = eventHeaders(headerBlock);
  const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
  const source = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const now = new Date();
  // Typed, not parsed: the stand-in builds the event itself, and the tests parse what it builds
  // with the handler's schema (zod's copy of every header per message was CPU for nothing, issue 17).
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: receivedAt.toISOString(),
            source,
            messageId: id,
            destination: recipients,
            headersTruncated: truncated,
            headers,
            commonHeaders: commonHeaders(headerBlock, headers, source),
          },
          receipt: {
            timestamp: now.toISOString(),
            processingTimeMillis: Math.max(0, now.getTime() - receivedAt.getTime()),
            recipients,
            // The local stack runs no spam or virus checks (PASS), and no SPF, DKIM or DMARC checks
            // of its own (no DNS): those come from the trusted relay's Authentication-Results
            // (see localVerdicts), else GRAY, as SES reports a domain with no policy. On AWS these
            // are SES's actual verdicts.
            spamVerdict: { status: 'PASS' },
            virusVerdict: { status: 'PASS' },
            ...localVerdicts(headers),
            action: { type: 'Lambda', functionArn, invocationType: 'Event' },
          },
        },
      },
    ],
  };
}

/** The bytes before the first empty line (all of them when the message has no body). */
function headerSection(raw: Buffer): string {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  const end = ends.length > 0 ? Math.min(...ends) : raw.length;
  return raw.subarray(0, end).toString('utf8');
}

/**
 * Headers as SES lists them: in message order, unfolded, values raw (encoded words left encoded).
 * The stored message is kept byte-identical, so unlike SES we add no Received or X-SES-* headers.
 */
function eventHeaders(block: string): { headers: SesHeader[]; truncated: boolean } {
  const headers: SesHeader[] = [];
  let bytes = 0;
  for (const { name, body } of headerFields(block)) {
    const value = body.replace(/\r?\n(?=[ \t])/g, '').trim();
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    if (bytes > MAX_EVENT_HEADER_BYTES) return { headers, truncated: true };
    headers.push({ name, value });
  }
  return { headers, truncated: false };
}

/**
 * The header block's fields in message order: each name, and its body as written (folds kept).
 * Field names are printable ASCII without spaces; this skips an mbox "From " line and the like.
 */
function* headerFields(block: string): Generator<{ name: string; body: string }> {
  for (const field of block.split(/\r?\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).trim();
    if (/^[!-9;-~]+$/.test(name)) yield { name, body: field.slice(colon + 1) };
  }
}

function commonHeaders(block: string, headers: SesHeader[], source: string): SesCommonHeaders {
  const common: SesCommonHeaders = {};
  // SES writes Return-Path from the envelope sender when it receives the message.
  if (source !== '') common.returnPath = source;
  const values = fieldValues(block);
  const first = (name: string): string[] => values.get(name)?.slice(0, 1) ?? [];
  const from = addressList(first('from'));
  if (from) common.from = from;
  const sender = addressList(first('sender'));
  if (sender) common.sender = sender;
  const replyTo = addressList(first('reply-to'));
  if (replyTo) common.replyTo = replyTo;
  // The Date header as written: a parsed Date would lose the sender's zone.
  const date = headers.find((h) => h.name.toLowerCase() === 'date')?.value;
  if (date !== undefined) common.date = date;
  const to = addressList(values.get('to') ?? []);
  if (to) common.to = to;
  const cc = addressList(values.get('cc') ?? []);
  if (cc) common.cc = cc;
  const bcc = addressList(values.get('bcc') ?? []);
  if (bcc) common.bcc = bcc;
  const [messageId] = first('message-id');
  if (messageId !== undefined) common.messageId = bracketed(decodeWords(messageId));
  const [subject] = first('subject');
  if (subject !== undefined) common.subject = decodeWords(subject);
  return common;
}

/** Header values by lower-case name, in order, each unfolded (a fold is one space); empty ones left out. */
function fieldValues(block: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const { name, body } of headerFields(block)) {
    const value = body.replace(/\r?\n[ \t]*/g, ' ').trim();
    if (value === '') continue;
    const key = name.toLowerCase();
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  return values;
}

const bracketed = (id: string): string =>
  `${id.startsWith('<') ? '' : '<'}${id}${id.endsWith('>') ? '' : '>'}`;

function addressList(values: string[]): string[] | undefined {
  const formatted = values.flatMap((value) => addressParser(value).flatMap(formatAddress));
  return formatted.length > 0 ? formatted : undefined;
}

function formatAddress(entry: Address): string[] {
  if (entry.group) return entry.group.flatMap(formatAddress);
  if (!entry.address) return [];
  if (!entry.name) return [entry.address];
  // Quote a display name only where RFC 5322 needs it, as `"Doe, John" <john@example.com>`.
  const name = /[()<>[\]:;@\\,."]/.test(entry.name)
    ? `"${entry.name.replace(/(["\\])/g, '\\$1')}"`
    : entry.name;
  return [`${name} <${entry.address}>`];
}

/** The authserv-id of the relay in front of the local stack whose verdicts it takes (RFC 8601). */
export const LOCAL_AUTHSERV_ID = 'local-smtp';

type Verdict = { status: 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' };

/**
 * SPF, DKIM and DMARC verdicts from an `Authentication-Results: local-smtp; spf=fail; ...` header,
 * as a relay that did the checks would add it, so the handler's held-for-a-manager path can be
 * exercised locally. Only that authserv-id counts; anything else, or no header, is GRAY.
 */
export function localVerdicts(headers: { name: string; value: string }[]): {
  spfVerdict: Verdict;
  dkimVerdict: Verdict;
  dmarcVerdict: Verdict;
} {
  const results = new Map<string, string>();
  for (const header of headers) {
    if (header.name.toLowerCase() !== 'authentication-results') continue;
    const [authserv, ...methods] = header.value.split(';').map((part) => part.trim());
    if (authserv?.toLowerCase() !== LOCAL_AUTHSERV_ID) continue;
    for (const method of methods) {
      const m = /^(spf|dkim|dmarc)\s*=\s*([a-z]+)/i.exec(method);
      if (m?.[1] && m[2]) results.set(m[1].toLowerCase(), m[2].toLowerCase());
    }
  }
  const verdict = (method: string): Verdict => {
    const result = results.get(method);
    if (result === 'pass') return { status: 'PASS' };
    if (result === 'fail' || result === 'softfail') return { status: 'FAIL' };
    if (result === 'temperror' || result === 'permerror') return { status: 'PROCESSING_FAILED' };
    return { status: 'GRAY' };
  };
  return { spfVerdict: verdict('spf'), dkimVerdict: verdict('dkim'), dmarcVerdict: verdict('dmarc') };
}
