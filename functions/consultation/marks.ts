// The "mailed" marks of a fan-out, written as the letters go: each letter SES accepted joins the
// next group, and one group at a time is written (claims.ts: one transaction of up to 100), so
// the marks take a request per group instead of one per letter. At most `window` letters SES took
// wait for their mark at any time (a sender waits while more do): a crash re-sends no more letters
// than when each letter had its own mark.
import { type MailedMark, markAllMailed } from './claims.js';

export interface MailedMarks {
  /** Queues the letter's mark; resolves once fewer than `window` letters wait for theirs. */
  add(mark: MailedMark): Promise<void>;
  /** Waits until every queued mark is written; throws the first failure. */
  settle(): Promise<void>;
}

export function mailedMarks(proposalId: string, window: number): MailedMarks {
  let pending: MailedMark[] = [];
  let unmarked = 0;
  let flushing: Promise<void> | undefined;
  let wake: (() => void)[] = [];
  const failures: unknown[] = [];
  const notify = () => {
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };
  const flush = async () => {
    while (pending.length > 0) {
      const group = pending;
      pending = [];
      try {
        await markAllMailed(proposalId, group);
      } catch (error) {
        failures.push(error);
      }
      unmarked -= group.length;
      notify();
    }
    flushing = undefined;
    notify();
  };
  return {
    async add(mark) {
      pending.push(mark);
      unmarked += 1;
      flushing ??= flush();
      while (unmarked >= window && flushing) await new Promise<void>((resolve) => wake.push(resolve));
    },
    async settle() {
      while (flushing) await flushing;
      if (failures.length > 0) throw failures[0];
    },
  };
}
