// The SendConsultation task: one consultation e-mail per consultee, each with its own reply
// address. AWS retries tasks and the local stack re-drives executions after a crash, so every
// mail is preceded by a conditional "sending" claim on its consultee (functions/consultation/claims.ts):
// a replay sends nothing twice, and a claim a crashed run never confirmed is taken again once stale.
//
// One run sends a bounded slice, paced under SES's MaxSendRate (GetSendQuota), and answers
// `done: false` while consultees remain: the state machine runs it again (AllMailed, WaitToSend),
// so a consultation of thousands never keeps one Lambda past its timeout. The evidence copy of
// each letter is written before the letter goes (50 to an object), so a crash cannot lose it.
import { randomBytes, randomUUID } from 'node:crypto';
import { scheduleConsulteeReminder } from '../reminders/schedule.js';
import { boundedBackground, mapBounded } from '../shared/bounded.js';
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
import { claimConsultee, claimedAt, claimLeaseMs, markMailed, releaseConsultee } from './claims.js';
import { renderConsultation } from './letter.js';
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
  if (!(await openConsultation(proposal))) {
    // Withdrawn, failed or otherwise moved on while this task was queued: nobody may be mailed.
    log.info('consultation not sent', { proposalId, reference: proposal.reference, status: proposal.status });
    return {
      mailed: proposal.consultation.mailed,
      secondsToDeadline: secondsToDeadline(proposal),
      done: true,
      waitSeconds: 0,
    };
  }

  const quotaRate = await sendingRate();
  // Unknown (SES did not say): unpaced, as fast as MAIL_CONCURRENCY allows; slices planned at this.
  const rate = quotaRate ?? UNPACED_RATE;
  const leaseMs = claimLeaseMs();
  const budgetMs = Math.max(
    1000,
    Math.min(SLICE_SECONDS * 1000, (options.remainingMs ?? Infinity) - RESERVE_MS),
  );
  const consultees = await listConsultees(proposalId);
  const staleBefore = Date.now() - leaseMs;
  const held = (c: ConsulteeRecord) => c.mailMarker === 'sending' && claimedAt(c) >= staleBefore;
  const open = consultees.filter((c) => !c.mailMarker || (c.mailMarker === 'sending' && !held(c)));
  const heldByOthers = consultees.filter(held);
  const slice = open.slice(0, Math.max(1, Math.min(sliceMax(), Math.floor((rate * budgetMs) / 1000))));

  // Every reply token of the slice is stored before any mail goes out, 25 to a request rather
  // than one write per mail. A token whose consultee another run mails meanwhile is never sent.
  const inboundDomain = requiredEnv(ENV.inboundDomain);
  const tokens = new Map(slice.map((c) => [c.email, randomBytes(16).toString('hex')]));
  await storeReplyTokens(proposalId, slice, tokens);

  const run: Run = {
    proposal,
    leaseMs,
    pace: pacer(quotaRate),
    marks: boundedBackground(MAIL_CONCURRENCY),
    letter: (consultee) => {
      const replyTo = `consult+${tokens.get(consultee.email) as string}@${inboundDomain}`;
      return { to: consultee.email, replyTo, ...renderConsultation(proposal, consultee, replyTo) };
    },
    sent: 0,
    taken: 0,
  };
  // A batch is claimed, copied, then sent: its claims must not go stale while it sends.
  const batchSize = Math.max(1, Math.min(COPIES_PER_OBJECT, Math.floor((rate * leaseMs) / 2000)));
  let tried = 0;
  try {
    while (tried < slice.length && (tried === 0 || Date.now() - started < budgetMs)) {
      await sendBatch(run, slice.slice(tried, tried + batchSize));
      tried += batchSize;
    }
    await run.marks.settle();
  } catch (error) {
    // The mails that did go out are recorded even when the task fails: the timeline and the
    // counts must show who was written to, retry or not.
    await run.marks.settle().catch(() => undefined);
    await recordMailing(proposal, run.sent, consultees.length).catch(() => undefined);
    throw error;
  }
  const mailed = await recordMailing(proposal, run.sent, consultees.length);
  const next = nextRun(open.length - Math.min(tried, slice.length), heldByOthers, run.taken, leaseMs);
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
  pace: () => Promise<void>;
  marks: ReturnType<typeof boundedBackground>;
  letter: (consultee: ConsulteeRecord) => OutgoingMail & { replyTo: string };
  /** Letters SES accepted in this run. */
  sent: number;
  /** Consultees another run claimed between our read and our claim. */
  taken: number;
}

/**
 * Claims the batch, writes the evidence copies of its letters (unconfirmed), sends them at the
 * pace, and rewrites the copies with SES's ids. A crash at any point leaves a copy of every letter
 * SES may have accepted.
 */
async function sendBatch(run: Run, batch: ConsulteeRecord[]): Promise<void> {
  const { proposalId } = run.proposal;
  const now = Date.now();
  const claimed = (
    await mapBounded(batch, MAIL_CONCURRENCY, async (c) =>
      (await claimConsultee(proposalId, c.email, now, now - run.leaseMs)) ? c : null,
    )
  ).filter((c): c is ConsulteeRecord => c !== null);
  run.taken += batch.length - claimed.length;
  if (claimed.length === 0) return;

  const preparedAt = new Date();
  const key = preparedCopiesKey(proposalId, 'consultation', preparedAt, randomUUID());
  const letters = claimed.map((consultee, index) => ({ consultee, index, mail: run.letter(consultee) }));
  const copies: ArchivedMail[] = letters.map(({ mail }) => ({
    ...copyOfSent(mail, 'consultation', ''),
    sentAt: preparedAt.toISOString(),
    sendConfirmed: false,
  }));
  try {
    await putMailCopies(key, copies);
  } catch (error) {
    // No copy, no letter: the claims go back for the retry.
    await releaseAll(proposalId, claimed);
    throw error;
  }

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
      copies[index] = { ...copyOfSent(mail, 'consultation', messageId), sendConfirmed: true };
      // A lane is free for the next mail once SES has this one; its "mailed" mark follows beside it.
      await run.marks.start(() => markMailed(proposalId, consultee.email, messageId, key));
    });
  } finally {
    // Letters never tried (a send failed first) went nowhere: no copy, and the claim goes back.
    await releaseAll(
      proposalId,
      letters.filter((l) => !tried.has(l.index)).map((l) => l.consultee),
    );
    await putMailCopies(
      key,
      copies.filter((_, i) => tried.has(i)),
    ).catch((error: unknown) =>
      // The unconfirmed copies stand: each letter still has its copy, without SES's id.
      log.error('copies of sent mail not confirmed', {
        proposalId,
        copies: tried.size,
        error: (error as Error).name,
      }),
    );
  }
}

/** Whether consultees remain, and how long the next run should wait for them. */
function nextRun(
  untried: number,
  heldByOthers: ConsulteeRecord[],
  taken: number,
  leaseMs: number,
): { done: boolean; waitSeconds: number } {
  if (untried > 0) return { done: false, waitSeconds: 0 };
  if (heldByOthers.length > 0) {
    // A run that crashed holds them: wait until its claims are stale, then take them.
    const staleAt = Math.min(...heldByOthers.map(claimedAt)) + leaseMs;
    return { done: false, waitSeconds: Math.max(1, Math.ceil((staleAt - Date.now()) / 1000)) };
  }
  // Claimed by another run between our read and our claim: look again shortly.
  if (taken > 0) return { done: false, waitSeconds: 1 };
  return { done: true, waitSeconds: 0 };
}

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
