// The "mailed" marks of a fan-out, written as the letters go: each letter SES accepted joins the
// next group, and a group is written in one request (claims.ts: one transaction of up to 100), so
// the marks take a request per group instead of one per letter. A group goes once it holds half
// the window, or GROUP_WAIT_MS after its first mark (a slow pace never holds a mark back longer).
// Two groups may be written at once (different consultees: the writes are independent), so the
// letters go on while one group's transaction is in flight. At most `window` letters SES took wait
// for their mark at any time (a sender waits while more do): a crash re-sends no more letters
// than when each letter had its own mark.
import { type MailedMark, markAllMailed } from './claims.js';

export interface MailedMarks {
  /** Queues the letter's mark; resolves once fewer than `window` letters wait for theirs. */
  add(mark: MailedMark): Promise<void>;
  /** Waits until every queued mark is written; throws the first failure. */
  settle(): Promise<void>;
}

/** The longest a mark waits for others to join its group. */
const GROUP_WAIT_MS = 200;

/** Groups written at once. */
const WRITES_IN_FLIGHT = 2;

export function mailedMarks(proposalId: string, window: number): MailedMarks {
  const group = Math.max(1, Math.floor(window / 2));
  let pending: MailedMark[] = [];
  /** Letters added whose mark is not yet written (pending or in flight). */
  let unmarked = 0;
  const writing = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void)[] = [];
  const failures: unknown[] = [];
  let settling = false;
  const notify = () => {
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };
  /** A group should go now: it is full, senders wait on it, or the run is settling. */
  const due = () => pending.length >= group || unmarked >= window || settling;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0 || writing.size >= WRITES_IN_FLIGHT) return;
    const marks = pending;
    pending = [];
    const written: Promise<void> = markAllMailed(proposalId, marks)
      .catch((error: unknown) => {
        failures.push(error);
      })
      .then(() => {
        writing.delete(written);
        unmarked -= marks.length;
        notify();
        // What came in meanwhile goes now if due, else waits for a full group (or its time).
        if (pending.length === 0) return;
        if (due()) flush();
        else timer ??= setTimeout(flush, GROUP_WAIT_MS);
      });
    writing.add(written);
  };
  return {
    async add(mark) {
      pending.push(mark);
      unmarked += 1;
      if (due()) flush();
      else timer ??= setTimeout(flush, GROUP_WAIT_MS);
      while (unmarked >= window) {
        flush();
        await new Promise<void>((resolve) => wake.push(resolve));
      }
    },
    async settle() {
      settling = true;
      flush();
      // A write that ends starts the next (settling makes every group due) before this wakes.
      while (writing.size > 0) await Promise.all([...writing]);
      if (failures.length > 0) throw failures[0];
    },
  };
}
