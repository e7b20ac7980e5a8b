// The "mailed" marks of a fan-out, written as the letters go: each letter SES accepted joins the
// next group, and one group at a time is written (claims.ts: one transaction of up to 100), so
// the marks take a request per group instead of one per letter. A group goes once it holds half
// the window, or GROUP_WAIT_MS after its first mark (a slow pace never holds a mark back longer).
// At most `window` letters SES took wait for their mark at any time (a sender waits while more
// do): a crash re-sends no more letters than when each letter had its own mark.
import { type MailedMark, markAllMailed } from './claims.js';

export interface MailedMarks {
  /** Queues the letter's mark; resolves once fewer than `window` letters wait for theirs. */
  add(mark: MailedMark): Promise<void>;
  /** Waits until every queued mark is written; throws the first failure. */
  settle(): Promise<void>;
}

/** The longest a mark waits for others to join its group. */
const GROUP_WAIT_MS = 200;

export function mailedMarks(proposalId: string, window: number): MailedMarks {
  const group = Math.max(1, Math.floor(window / 2));
  let pending: MailedMark[] = [];
  let unmarked = 0;
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void)[] = [];
  const failures: unknown[] = [];
  const notify = () => {
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };
  let settling = false;
  const flush = async () => {
    while (pending.length > 0) {
      const marks = pending;
      pending = [];
      try {
        await markAllMailed(proposalId, marks);
      } catch (error) {
        failures.push(error);
      }
      unmarked -= marks.length;
      notify();
      // What came in meanwhile waits for a full group (or its time), unless senders wait on it.
      if (pending.length < group && unmarked < window && !settling) break;
    }
    flushing = undefined;
    if (pending.length > 0) timer ??= setTimeout(kick, GROUP_WAIT_MS);
    notify();
  };
  const kick = () => {
    clearTimeout(timer);
    timer = undefined;
    // Only with marks to write: flush() then awaits before it clears `flushing`.
    if (pending.length > 0) flushing ??= flush();
  };
  return {
    async add(mark) {
      pending.push(mark);
      unmarked += 1;
      if (pending.length >= group) kick();
      else timer ??= setTimeout(kick, GROUP_WAIT_MS);
      while (unmarked >= window) {
        kick();
        await new Promise<void>((resolve) => wake.push(resolve));
      }
    },
    async settle() {
      settling = true;
      kick();
      while (flushing) await flushing;
      if (failures.length > 0) throw failures[0];
    },
  };
}
