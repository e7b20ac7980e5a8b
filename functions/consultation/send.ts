// The SendConsultation task: one consultation e-mail per consultee, each with its own reply
// address. AWS retries tasks and the local stack re-drives executions after a crash, so every
// mail is preceded by a conditional "sending" claim on its consultee (functions/consultation/claims.ts):
// a replay sends nothing twice, and a claim a crashed run never confirmed is taken again once stale.
//
// One run sends a bounded slice, paced under SES's MaxSendRate (GetSendQuota), and answers
// `done: false` while consultees remain: the state machine runs it again (AllMailed, WaitToSend),
// so a consultation of thousands never keeps one Lambda past its timeout. The evidence copy of
// each letter is written before the letter goes (50 to an object), so a crash cannot lose it.
//
// The consultees go in batches through two stages, one batch ahead of the other: while a batch's
// letters go, the next batch's reply tokens are stored and its consultees claimed (one
// transaction per batch, claims.ts), so SES is kept busy rather than waiting on the table.
import { randomBytes, randomUUID } from 'node:crypto';
import { scheduleConsulteeReminder } from '../reminders/schedule.js';
import { mapBounded } from '../shared/bounded.js';
import { ENV } from '../shared/config.js';
import { requiredEnv } from '../shared/env.js';
import { sha256hex } from '../shared/hash.js';
import { replyTokenKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { type ArchivedMail, preparedCopiesKey, putMailCopies } from '../shared/mail-archive.js';
import { copyOfSent, type OutgoingMail, sendMail } from '../shared/mailer.js';
import { pacer, sendingRate } from '../shared/send-pace.js';
import {
  addTimelineEvent,
  type ConsulteeRecord,
  changeStatus,
  getProposal,
  listConsultees,
  type ProposalRecord,
  putAll,
} from '../shared/store/proposals.js';
import { countConsultationMailed } from '../stats/counters.js';
import { afterSlice, claimConsultees, claimedAt, claimLeaseMs, releaseConsultee } from './claims.js';
import { renderConsultation } from './letter.js';
import { type MailedMarks, mailedMarks } from './marks.js';
import { rebuildConsultationCounts } from './summary.js';

/** What the state machine reads: `$.consultation.secondsToDeadline` is CollectResponses' TimeoutSecondsPath. */
export interface SendConsultationResult {
  /** Consultees mailed so far, over every run. */
  mailed: number;
  secondsToDeadline: number;
  /** True once every consultee is mailed (or the consultation may no longer be sent). */
  done: boolean;
  /** When not done: seconds to wait before the next run (0: at once; more: until a crashed run's claims go stale). */
  waitSeconds: number;
}

export interface SendOptions {
  /** The invocation's time left (the Lambda context's getRemainingTimeInMillis()). */
  remainingMs?: number;
}

/** Evidence copies of consultation letters kept in one object (about 10 KiB each). */
const COPIES_PER_OBJECT = 50;

/** Enough to keep SES busy without crowding a Lambda's sockets; the pace keeps under SES's rate. */
export const MAIL_CONCURRENCY = 8;

/** Letters SES took that may wait for their "mailed" mark at once (marks.ts): as before batching. */
const MARK_WINDOW = 2 * MAIL_CONCURRENCY;

/** A run sends for about this long at most; the next run (a state-machine loop) goes on. */
export const SLICE_SECONDS = 120;

/** Of the invocation's time, what a run leaves for its marks, copies and recount after sending. */
const RESERVE_MS = 60_000;

/** What a run plans with when SES gives no rate: about what 8 lanes manage. */
const UNPACED_RATE = 100;

/** Caps the consultees one run mails (tests set it low to see the loop); unset: the pace decides. */
export const SLICE_MAX_ENV = 'DPIA_SEND_SLICE_MAX';

export async function sendConsultation(
  proposalId: string,
  options: SendOptions = {},
): Promise<SendConsultationResult> {
  const started = Date.now();
  const proposal = await getProposal(proposalId);
  // Side by side (the first letter waits for all three): the status change, the sending rate and
  // the consultees. The list is only a plan: every claim is conditional.
  const [open, quotaRate, consultees] = await Promise.all([
    openConsultation(proposal),
    sendingRate(),
    listConsultees(proposalId),
  ]);
  if (!open) {
    // Withdrawn, failed or otherwise moved on while this task was queued: nobody may be mailed.
    log.info('consultation not sent', { proposalId, reference: proposal.reference, status: proposal.status });
    return {
      mailed: proposal.consultation.mailed,
      secondsToDeadline: secondsToDeadline(proposal),
      done: true,
      waitSeconds: 0,
    };
  }

  // Unknown (SES did not say): unpaced, as fast as MAIL_CONCURRENCY allows; slices planned at this.
  const rate = quotaRate ?? UNPACED_RATE;
  const leaseMs = claimLeaseMs();
  const budgetMs = Math.max(
    1000,
    Math.min(SLICE_SECONDS * 1000, (options.remainingMs ?? Infinity) - RESERVE_MS),
  );
  const staleBefore = Date.now() - leaseMs;
  const held = (c: ConsulteeRecord) => c.mailMarker === 'sending' && claimedAt(c) >= staleBefore;
  const unsent = consultees.filter((c) => !c.mailMarker || (c.mailMarker === 'sending' && !held(c)));
  const heldByOthers = consultees.filter(held);
  const slice = unsent.slice(0, Math.max(1, Math.min(sliceMax(), Math.floor((rate * budgetMs) / 1000))));

  const inboundDomain = requiredEnv(ENV.inboundDomain);
  const tokens = new Map(slice.map((c) => [c.email, randomBytes(16).toString('hex')]));
  const run: Run = {
    proposal,
    leaseMs,
    tokens,
    pace: pacer(quotaRate),
    marks: mailedMarks(proposalId, MARK_WINDOW),
    letter: (consultee) => {
      const replyTo = `consult+${tokens.get(consultee.email) as string}@${inboundDomain}`;
      return { to: consultee.email, replyTo, ...renderConsultation(proposal, consultee, replyTo) };
    },
    sent: 0,
    taken: 0,
    confirming: [],
  };
  // A batch is claimed while the one before it sends, then copied and sent: its claims must not go
  // stale in those two batches' time.
  const batchSize = Math.max(1, Math.min(COPIES_PER_OBJECT, Math.floor((rate * leaseMs) / 4000)));
  // More than a batch: the first batches are small and double (8, 16, 32, then batchSize), so the
  // first letters go while the bigger batches after them are still being claimed.
  const batches: ConsulteeRecord[][] = [];
  const first = slice.length > batchSize ? Math.min(batchSize, MAIL_CONCURRENCY) : batchSize;
  for (let i = 0, size = first; i < slice.length; ) {
    batches.push(slice.slice(i, i + size));
    i += size;
    size = Math.min(batchSize, size * 2);
  }
  let tried = 0;
  let ahead: Promise<Prepared> | undefined = quiet(prepareBatch(run, batches[0] ?? []));
  try {
    for (let next = 1; ahead; next += 1) {
      const current = await ahead;
      tried += current.size;
      // The next batch is prepared while this one sends, if the slice's time allows it.
      ahead =
        next < batches.length && Date.now() - started < budgetMs
          ? quiet(prepareBatch(run, batches[next] as ConsulteeRecord[]))
          : undefined;
      await sendBatch(run, current);
    }
    await run.marks.settle();
    await Promise.all(run.confirming);
  } catch (error) {
    // A batch prepared ahead never goes: its claims go back for the retry, its copies are withdrawn.
    if (ahead)
      await ahead.then(
        (p) => abandon(run, p),
        () => undefined,
      );
    await Promise.all(run.confirming);
    // The mails that did go out are recorded even when the task fails: the timeline and the
    // counts must show who was written to, retry or not.
    await run.marks.settle().catch(() => undefined);
    await recordMailing(proposal, run.sent, consultees.length).catch(() => undefined);
    throw error;
  }
  const mailed = await recordMailing(proposal, run.sent, consultees.length);
  const next = afterSlice(
    unsent.length - Math.min(tried, slice.length),
    heldByOthers.map(claimedAt),
    run.taken,
    leaseMs,
  );
  if (next.done) {
    if (mailed > 0) await countConsultationMailed(proposal);
    // A timer beside the CollectResponses wait, not a step of it (README, Reminders): started by
    // name, so a retry of this task schedules nothing twice, and never failing this task.
    await scheduleConsulteeReminder(proposal);
  }
  return { mailed, secondsToDeadline: secondsToDeadline(proposal), ...next };
}

interface Run {
  proposal: ProposalRecord;
  leaseMs: number;
  /** The reply token of each consultee of the slice (stored hashed, batch by batch). */
  tokens: Map<string, string>;
  pace: () => Promise<void>;
  marks: MailedMarks;
  letter: (consultee: ConsulteeRecord) => OutgoingMail & { replyTo: string };
  /** Letters SES accepted in this run. */
  sent: number;
  /** Consultees another run claimed between our read and our claim. */
  taken: number;
  /** The batches' copies being rewritten with SES's ids (never rejects: a failure is logged). */
  confirming: Promise<void>[];
}

/** A batch ready to go: its tokens stored, its consultees claimed, their letters' copies kept. */
interface Prepared {
  size: number;
  claimed: ConsulteeRecord[];
  letters: { consultee: ConsulteeRecord; index: number; mail: OutgoingMail & { replyTo: string } }[];
  copies: ArchivedMail[];
  /** The evidence object of the batch's copies. */
  key: string;
}

/** A promise whose rejection is handled when it is awaited later, not reported as unhandled now. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Stores the batch's reply tokens (25 to a request), claims its consultees (one transaction) and
 * writes the evidence copies of their letters (unconfirmed), the three side by side: all of it
 * before any of the batch's letters goes. Should another run hold some of the consultees, the
 * copies are written again without theirs before anything goes; should any of the three fail,
 * nothing goes, the claims go back and the copies are withdrawn. A token whose consultee another
 * run mails is never sent.
 */
async function prepareBatch(run: Run, batch: ConsulteeRecord[]): Promise<Prepared> {
  const { proposalId } = run.proposal;
  const now = Date.now();
  const preparedAt = new Date(now);
  const key = preparedCopiesKey(proposalId, 'consultation', preparedAt, randomUUID());
  const copyOf = (mail: OutgoingMail): ArchivedMail => ({
    ...copyOfSent(mail, 'consultation', ''),
    sentAt: preparedAt.toISOString(),
    sendConfirmed: false,
  });
  const rendered = batch.map((consultee) => {
    const mail = run.letter(consultee);
    return { consultee, mail, copy: copyOf(mail) };
  });
  const [stored, claims, kept] = await Promise.allSettled([
    storeReplyTokens(proposalId, batch, run.tokens),
    claimConsultees(
      proposalId,
      batch.map((c) => c.email),
      now,
      now - run.leaseMs,
    ),
    batch.length > 0
      ? putMailCopies(
          key,
          rendered.map(({ copy }) => copy),
        )
      : Promise.resolve(),
  ]);
  const claimed = claims.status === 'fulfilled' ? batch.filter((c) => claims.value.has(c.email)) : [];
  const going = rendered.filter(
    ({ consultee }) => claims.status === 'fulfilled' && claims.value.has(consultee.email),
  );
  const letters = going.map(({ consultee, mail }, index) => ({ consultee, index, mail }));
  const copies = going.map(({ copy }) => copy);
  const failed = [claims, stored, kept].find((r) => r.status === 'rejected');
  try {
    // No claim, token or copy, no letter.
    if (failed) throw failed.reason;
    // Only the letters that will go keep a copy.
    if (claimed.length < batch.length) await putMailCopies(key, copies);
  } catch (error) {
    // The claims go back for the retry, and the copies of letters that will not go are withdrawn.
    await releaseAll(proposalId, claimed);
    if (kept.status === 'fulfilled' && batch.length > 0) await withdrawCopies(proposalId, key);
    throw error;
  }
  run.taken += batch.length - claimed.length;
  return { size: batch.length, claimed, letters, copies, key };
}

/** A prepared batch that will not be sent: its claims go back, and its object keeps no copies. */
async function abandon(run: Run, batch: Prepared): Promise<void> {
  const { proposalId } = run.proposal;
  await releaseAll(proposalId, batch.claimed);
  if (batch.copies.length > 0) await withdrawCopies(proposalId, batch.key);
}

/** Empties an object of copies of letters that will not go (never fails: a failure is logged). */
async function withdrawCopies(proposalId: string, key: string): Promise<void> {
  await putMailCopies(key, []).catch((error: unknown) =>
    // The unconfirmed copies stand, of letters that did not go: "may or may not have gone".
    log.error('copies of unsent mail not withdrawn', { proposalId, error: (error as Error).name }),
  );
}

/**
 * Sends the batch's letters at the pace, each letter's "mailed" mark following it, then rewrites
 * its copies with SES's ids (in the background: the next batch goes meanwhile). A crash at any
 * point leaves a copy of every letter SES may have accepted.
 */
async function sendBatch(run: Run, batch: Prepared): Promise<void> {
  const { proposalId } = run.proposal;
  const { letters, copies, key } = batch;
  if (letters.length === 0) return;

  const tried = new Set<number>();
  try {
    await mapBounded(letters, MAIL_CONCURRENCY, async ({ consultee, index, mail }) => {
      tried.add(index);
      await run.pace();
      let messageId: string;
      try {
        messageId = await sendMail(mail);
      } catch (error) {
        // Released so a retry mails this consultee (with a new token). The token item and the
        // unconfirmed copy stay: if SES accepted the mail before failing us, both still hold.
        await releaseAll(proposalId, [consultee]);
        throw error;
      }
      run.sent += 1;
      // The prepared copy (credentials already withheld), now with SES's id and time.
      const { sendConfirmed: _unconfirmed, ...copy } = copies[index] as ArchivedMail;
      copies[index] = { ...copy, messageId, sentAt: new Date().toISOString(), sendConfirmed: true };
      // A lane is free for the next mail once SES has this one; its "mailed" mark follows in a group.
      await run.marks.add({ email: consultee.email, messageId, copyKey: key });
    });
  } finally {
    // Letters never tried (a send failed first) went nowhere: no copy, and the claim goes back.
    await releaseAll(
      proposalId,
      letters.filter((l) => !tried.has(l.index)).map((l) => l.consultee),
    );
    run.confirming.push(
      putMailCopies(
        key,
        copies.filter((_, i) => tried.has(i)),
      ).catch((error: unknown) =>
        // The unconfirmed copies stand: each letter still has its copy, without SES's id.
        log.error('copies of sent mail not confirmed', {
          proposalId,
          copies: tried.size,
          error: (error as Error).name,
        }),
      ),
    );
  }
}

/** Whether consultees remain, and how long the next run should wait for them. */
function sliceMax(): number {
  const raw = Number(process.env[SLICE_MAX_ENV]);
  return Number.isInteger(raw) && raw > 0 ? raw : Number.POSITIVE_INFINITY;
}

async function releaseAll(proposalId: string, consultees: ConsulteeRecord[]): Promise<void> {
  await Promise.all(
    consultees.map((c) =>
      releaseConsultee(proposalId, c.email).catch((error: unknown) =>
        log.error('consultation marker not released', { proposalId, error: (error as Error).name }),
      ),
    ),
  );
}

/** Recounts and notes this run's mails on the timeline; returns the total mailed. */
async function recordMailing(proposal: ProposalRecord, sent: number, consultees: number): Promise<number> {
  const { proposalId, reference } = proposal;
  // One recount after the whole slice, rather than a count update per mail on the one proposal item.
  const summary = await rebuildConsultationCounts(proposalId);
  if (sent > 0) {
    await addTimelineEvent(
      proposalId,
      'consultation-mailed',
      `${sent} consultation e-mail${sent === 1 ? '' : 's'} sent; ${summary.mailed} of ${consultees} consultees mailed`,
    );
  }
  log.info('consultation mailed', { proposalId, reference, sent, mailed: summary.mailed, consultees });
  return summary.mailed;
}

/** scoring → consulting; a retry finds it consulting already. False for any other status. */
async function openConsultation(proposal: ProposalRecord): Promise<boolean> {
  if (proposal.status === 'consulting') return true;
  if (proposal.status !== 'scoring') return false;
  if (await changeStatus(proposal.proposalId, 'consulting', ['scoring'])) return true;
  // Someone moved it between our read and our write: a parallel attempt (go on) or a withdrawal (stop).
  return (await getProposal(proposal.proposalId)).status === 'consulting';
}

/** Whole seconds, at least 1: Step Functions refuses a zero timeout, and a late start still collects. */
function secondsToDeadline(proposal: ProposalRecord): number {
  const deadline = Date.parse(proposal.input.responseDeadline);
  return Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
}

/**
 * Only the hash is stored: a leaked table cannot be used to reply as a consultee. 128 random bits
 * never repeat, so the items are put without a condition (a BatchWriteItem has none).
 */
async function storeReplyTokens(
  proposalId: string,
  consultees: ConsulteeRecord[],
  tokens: Map<string, string>,
): Promise<void> {
  const createdAt = new Date().toISOString();
  await putAll(
    consultees.map(({ email, name }) => ({
      ...replyTokenKey(sha256hex(tokens.get(email) as string)),
      type: 'reply-token',
      proposalId,
      // The consultee's name and address: a reply is matched without reading the consultee.
      email,
      name,
      createdAt,
    })),
  );
}
