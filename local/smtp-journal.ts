// What the SES-receiving stand-in has accepted (answered 250) and not yet handed to its handler: one
// append-only file, <dataDir>/smtp/pending.jsonl, that survives a crash between the 250 and the
// invocation. A line `+<id> <event JSON>` is written before the 250, `-<id>` once the handler is done
// with the message (or it was set aside in failed/). On start every `+` without its `-` is handed over
// again; the file is emptied in place when nothing is pending, and rewritten with just those lines
// only when it has grown past TRUNCATE_AT_BYTES (a start creates no file otherwise).
//
// One file written with one system call per line replaces a marker file per message (a create, a
// rename and an unlink each, most of it the file system's inode work): issue 17 measured that at
// 0.1-0.3 ms of CPU per message on this thread. The guarantee is the one the markers gave: a message
// is in the journal before the sender hears 250, and a line cut short by a crash was never answered.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { readMended, replaceFile, wholeLines } from './journal-file.mjs';

/** Past this size, an empty journal is cut back to nothing (a busy stack would otherwise grow it for ever). */
const TRUNCATE_AT_BYTES = 1024 * 1024;

export interface PendingEvent {
  id: string;
  /** The SES receipt event's JSON text, as it was accepted. */
  event: string;
}

export const journalPath = (smtpDir: string): string => join(smtpDir, 'pending.jsonl');

/**
 * The accepted messages not yet handled, in the order they were accepted, from the journal (and from
 * the one-file-per-message markers in pending/ that earlier versions of the stack left).
 */
export function readPending(smtpDir: string): PendingEvent[] {
  // Only whole lines: the last one may have been cut short by a crash, and its 250 never went out.
  return pendingOf(wholeLines(journalPath(smtpDir)), legacyMarkers(smtpDir));
}

function pendingOf(lines: string[], legacy: [string, string][]): PendingEvent[] {
  const pending = new Map<string, string>();
  for (const line of lines) {
    if (line.startsWith('-')) pending.delete(line.slice(1));
    else if (line.startsWith('+')) {
      const space = line.indexOf(' ');
      if (space > 1) pending.set(line.slice(1, space), line.slice(space + 1));
    }
  }
  for (const [id, event] of legacy) pending.set(id, event);
  return [...pending].map(([id, event]) => ({ id, event }));
}

const added = ({ id, event }: PendingEvent): string => `+${id} ${event}\n`;

function legacyMarkers(smtpDir: string): [string, string][] {
  const dir = join(smtpDir, 'pending');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => [name.slice(0, -'.json'.length), readFileSync(join(dir, name), 'utf8').trim()]);
}

export class PendingJournal {
  private readonly fd: number;
  private readonly open = new Set<string>();
  private closed = false;

  /** What was accepted and not handled when the journal was opened: to be handed over again. */
  readonly pending: PendingEvent[];

  /** Opens the journal for appending, with a line a crash cut short cut off. */
  constructor(smtpDir: string) {
    const path = journalPath(smtpDir);
    const { lines, size } = readMended(path);
    const legacy = legacyMarkers(smtpDir);
    this.pending = pendingOf(lines, legacy);
    const rewrite = this.pending.length > 0 && size > TRUNCATE_AT_BYTES;
    if (rewrite) replaceFile(path, this.pending.map(added).join(''));
    this.fd = openSync(path, 'a');
    if (this.pending.length === 0) ftruncateSync(this.fd, 0);
    for (const { id } of this.pending) this.open.add(id);
    // The markers an earlier version left go in the journal (a rewrite has them already), then away.
    if (!rewrite) for (const [id, event] of legacy) writeSync(this.fd, added({ id, event }));
    rmSync(join(smtpDir, 'pending'), { recursive: true, force: true });
  }

  /** Written before the 250: from here on the message is handed over, after a crash too. */
  add(id: string, event: string): void {
    writeSync(this.fd, added({ id, event }));
    this.open.add(id);
  }

  /** The handler is done with the message, or it was set aside: it is not handed over again. */
  done(id: string): void {
    // After close() a late outcome is not recorded: the next start hands the message over again,
    // which the handler takes as a second delivery (it stores and counts once).
    if (this.closed || !this.open.delete(id)) return;
    writeSync(this.fd, `-${id}\n`);
    if (this.open.size === 0 && fstatSync(this.fd).size > TRUNCATE_AT_BYTES) ftruncateSync(this.fd, 0);
  }

  get size(): number {
    return this.open.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
