// The local SES's sent mail, kept on disk only: <dataDir>/ses/sent.jsonl, one mail a line, appended
// when SES accepts it. In memory: where each line starts (for `GET /store?since=` and the .eml
// download) and sends per minute over the last 24 hours (for GetSendQuota), a few bytes a mail, so
// a stack that has sent thousands of mails holds none of them.
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { z } from 'zod';

// What each sent.jsonl line must have for /store, its `since` filter and the .eml download to work.
// The lines are the package's own objects written by us, so the rest is kept as is.
const persistedMail = z.looseObject({ messageId: z.string(), at: z.number() });

const DAY_MINUTES = 1440;

export class SentMailLog {
  /** Byte offset of each kept line, in the order sent (`at` never decreases along it). */
  private offsets: number[] = [];
  private ats: number[] = [];
  private readonly lineOf = new Map<string, number>();
  private size = 0;
  /** Sends per minute, oldest first, for the last 24 hours: [minute, count]. */
  private minutes: [number, number][] = [];
  private listeners = new Set<(email: Email) => void>();

  constructor(private readonly file: string) {
    this.load();
  }

  /** Appended synchronously: once SendEmail returns, a kill -9 cannot lose the mail (it is in the OS's cache). */
  append(email: Email): void {
    const line = `${JSON.stringify(email)}\n`;
    appendFileSync(this.file, line);
    this.index(email, this.size);
    this.size += Buffer.byteLength(line);
    for (const listener of this.listeners) listener(email);
  }

  /** Every mail sent at or after `since` (epoch seconds), oldest first; all of them without it. */
  since(since = Number.NEGATIVE_INFINITY): Email[] {
    let low = 0;
    let high = this.ats.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.ats[mid] as number) < since) low = mid + 1;
      else high = mid;
    }
    if (low >= this.offsets.length) return [];
    const start = this.offsets[low] as number;
    const lines = this.read(start, this.size - start).split('\n');
    const emails: Email[] = [];
    for (const line of lines) {
      const value = parseLine(line);
      if (value) emails.push(value);
    }
    return emails;
  }

  find(messageId: string): Email | undefined {
    const n = this.lineOf.get(messageId);
    if (n === undefined) return undefined;
    const start = this.offsets[n] as number;
    const end = n + 1 < this.offsets.length ? (this.offsets[n + 1] as number) : this.size;
    return parseLine(this.read(start, end - start));
  }

  /** Mails sent in the 24 hours before `now` (ms), counted per minute. */
  sentLast24Hours(now = Date.now()): number {
    this.expire(now);
    let total = 0;
    for (const [, count] of this.minutes) total += count;
    return total;
  }

  get count(): number {
    return this.offsets.length;
  }

  /** Calls `listener` with each mail as it is accepted (in-process observers: the benchmarks). */
  watch(listener: (email: Email) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    writeFileSync(this.file, '');
    this.offsets = [];
    this.ats = [];
    this.lineOf.clear();
    this.minutes = [];
    this.size = 0;
  }

  private index(email: Email, offset: number): void {
    this.lineOf.set(email.messageId, this.offsets.length);
    this.offsets.push(offset);
    this.ats.push(email.at);
    const minute = Math.floor(email.at / 60);
    const last = this.minutes.at(-1);
    if (last && last[0] === minute) last[1] += 1;
    else if (!last || last[0] < minute) this.minutes.push([minute, 1]);
    this.expire(Date.now());
  }

  private expire(now: number): void {
    const oldest = Math.floor(now / 60_000) - DAY_MINUTES;
    let drop = 0;
    while (drop < this.minutes.length && (this.minutes[drop] as [number, number])[0] < oldest) drop += 1;
    if (drop > 0) this.minutes.splice(0, drop);
  }

  private read(position: number, length: number): string {
    if (length <= 0) return '';
    const buffer = Buffer.alloc(length);
    const fd = openSync(this.file, 'r');
    try {
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buffer, done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return buffer.toString('utf8', 0, done);
    } finally {
      closeSync(fd);
    }
  }

  private load(): void {
    if (!existsSync(this.file)) {
      writeFileSync(this.file, '');
      return;
    }
    // A crash in the middle of an append leaves a partial last line: end it, so the next append
    // starts on a line of its own; the partial line is skipped below.
    if (statSync(this.file).size > 0 && !readFileSync(this.file).subarray(-1).equals(Buffer.from('\n'))) {
      appendFileSync(this.file, '\n');
    }
    const bytes = readFileSync(this.file);
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(0x0a, start);
      if (end === -1) end = bytes.length;
      const email = parseLine(bytes.toString('utf8', start, end));
      if (email) this.index(email, start);
      start = end + 1;
    }
    this.size = bytes.length;
  }
}

function parseLine(line: string): Email | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    // Kept as written (key order included): append() wrote it from the package's own Email.
    return persistedMail.safeParse(value).success ? (value as Email) : undefined;
  } catch {
    return undefined;
  }
}
