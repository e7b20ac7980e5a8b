// The per-consultee "sending" claim that makes a consultation letter go once (README, Architecture:
// every task is idempotent). A claim carries the time it was taken: one whose send was never
// confirmed (the Lambda crashed, or was killed, between claim and mark) is stale after
// claimLeaseMs() and a later run takes it again, so nobody is left "sending" for ever.
//
// Claims and marks go up to 100 to a conditional TransactWriteItems (one request instead of 100
// conditional UpdateItems): all of a transaction's conditions hold and every item is written, or
// none is. A cancelled one (another run holds a consultee, a bounce landed first) is redone item by
// item with the same conditions, so an already-claimed consultee is skipped, never mailed twice.
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mapBounded } from '../shared/bounded.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { consulteeKey } from '../shared/keys.js';
import { conditionHeld } from '../shared/store/conditions.js';
import type { ConsulteeRecord } from '../shared/store/proposals.js';

/** Overrides the claim lease (seconds); the default suits AWS. */
export const CLAIM_SECONDS_ENV = 'DPIA_SEND_CLAIM_SECONDS';
/**
 * Longer than any claim-to-mark of a live run (a batch is claimed while the one before it sends,
 * and two batches are sized to send within half of it; SES
 * answers in well under a second), and short enough that a crashed run's consultees go out soon.
 */
const DEFAULT_CLAIM_SECONDS = 120;

export function claimLeaseMs(): number {
  const raw = Number(process.env[CLAIM_SECONDS_ENV]);
  return (Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_CLAIM_SECONDS) * 1000;
}

/**
 * What the state machine does after a run that mailed a slice (the consultation's and the outcome's
 * loops): run again now while some were not tried; wait until the oldest claim another run holds
 * is stale (a run that crashed holds it), then take it; look again shortly when another run took
 * some between the listing and the claim; else done.
 */
export function afterSlice(
  untried: number,
  heldSince: readonly number[],
  takenByOthers: number,
  leaseMs: number,
): { done: boolean; waitSeconds: number } {
  if (untried > 0) return { done: false, waitSeconds: 0 };
  if (heldSince.length > 0) {
    const staleAt = Math.min(...heldSince) + leaseMs;
    return { done: false, waitSeconds: Math.max(1, Math.ceil((staleAt - Date.now()) / 1000)) };
  }
  if (takenByOthers > 0) return { done: false, waitSeconds: 1 };
  return { done: true, waitSeconds: 0 };
}

/** When a consultee's claim was taken (ms); 0 for a claim from before claims carried a time. */
export const claimedAt = (consultee: ConsulteeRecord): number =>
  typeof consultee.claimedAt === 'number' ? consultee.claimedAt : 0;

/** DynamoDB's limit of items in one TransactWriteItems. */
export const TRANSACTION_ITEMS = 100;

/** Item-by-item redoes of a cancelled transaction run this many at a time. */
const FALLBACK_CONCURRENCY = 8;

/** The conditional claim of one consultee's letter (the benchmark's floor issues the same). */
export const claimInput = (proposalId: string, email: string, now: number, staleBefore: number) =>
  ({
    TableName: tableName(),
    Key: consulteeKey(proposalId, email),
    UpdateExpression: 'SET #marker = :sending, #claimedAt = :now',
    ConditionExpression:
      'attribute_exists(PK) AND (attribute_not_exists(#marker) OR #marker = :null OR ' +
      '(#marker = :sending AND (attribute_not_exists(#claimedAt) OR #claimedAt < :stale)))',
    ExpressionAttributeNames: { '#marker': 'mailMarker', '#claimedAt': 'claimedAt' },
    ExpressionAttributeValues: {
      ':sending': 'sending',
      ':null': null,
      ':now': now,
      ':stale': staleBefore,
    },
  }) satisfies UpdateCommandInput;

/**
 * Takes the consultee for this run: unclaimed, given back, or claimed before `staleBefore` and
 * never confirmed. False when another run holds (or has mailed) them.
 */
export async function claimConsultee(
  proposalId: string,
  email: string,
  now: number,
  staleBefore: number,
): Promise<boolean> {
  return conditionally(new UpdateCommand(claimInput(proposalId, email, now, staleBefore)));
}

/**
 * Takes the consultees for this run, up to 100 to a transaction, on claimConsultee's condition;
 * returns the addresses taken. Those another run holds are left out.
 */
export async function claimConsultees(
  proposalId: string,
  emails: readonly string[],
  now: number,
  staleBefore: number,
): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < emails.length; i += TRANSACTION_ITEMS) {
    const chunk = emails.slice(i, i + TRANSACTION_ITEMS);
    const claimed = await inTransaction(
      chunk.map((email) => claimInput(proposalId, email, now, staleBefore)),
      chunk,
      (email) => claimConsultee(proposalId, email, now, staleBefore),
      true,
    );
    for (const email of claimed) taken.add(email);
  }
  return taken;
}

/**
 * Writes the updates in one transaction; when it is cancelled (a condition did not hold), writes
 * each on its own with `one` (skipping, with `skipFailed`, those whose condition failed in the
 * transaction). Returns the keys written. The SDK's retry of a request carries its token, which
 * DynamoDB answers once.
 */
async function inTransaction(
  updates: (UpdateCommandInput & { UpdateExpression: string })[],
  keys: readonly string[],
  one: (key: string) => Promise<boolean>,
  skipFailed: boolean,
): Promise<string[]> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        ClientRequestToken: randomUUID(),
        TransactItems: updates.map((Update) => ({ Update })),
      }),
    );
    return [...keys];
  } catch (error) {
    if ((error as Error | undefined)?.name !== 'TransactionCanceledException') throw error;
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    const retry = keys.filter((_, i) => !skipFailed || reasons[i]?.Code !== 'ConditionalCheckFailed');
    const written = await mapBounded(retry, FALLBACK_CONCURRENCY, async (key) =>
      (await one(key)) ? key : null,
    );
    return written.filter((key): key is string => key !== null);
  }
}

const conditionally = (command: UpdateCommand): Promise<boolean> => conditionHeld(dynamo.send(command));

/** A letter SES accepted: whom to mark, SES's id, and the object holding the letter's evidence copy. */
export interface MailedMark {
  email: string;
  messageId: string;
  copyKey: string;
}

const markInput = (proposalId: string, mark: MailedMark, setStatus: boolean) =>
  ({
    TableName: tableName(),
    Key: consulteeKey(proposalId, mark.email),
    UpdateExpression: `SET #marker = :sent, #mailedAt = :now, #messageId = :messageId, #copyKey = :copyKey, #countVersion = if_not_exists(#countVersion, :zero) + :one${setStatus ? ', #status = :mailed' : ''}`,
    ConditionExpression: setStatus ? '#marker = :sending AND #status = :pending' : '#marker = :sending',
    ExpressionAttributeNames: {
      '#marker': 'mailMarker',
      '#mailedAt': 'mailedAt',
      '#messageId': 'messageId',
      '#copyKey': 'copyKey',
      '#countVersion': 'countVersion',
      ...(setStatus ? { '#status': 'status' } : {}),
    },
    ExpressionAttributeValues: {
      ':zero': 0,
      ':one': 1,
      ':sent': 'sent',
      ':sending': 'sending',
      ':now': new Date().toISOString(),
      ':messageId': mark.messageId,
      ':copyKey': mark.copyKey,
      ...(setStatus ? { ':mailed': 'mailed', ':pending': 'pending' } : {}),
    },
  }) satisfies UpdateCommandInput;

/**
 * Marks the consultee mailed, with SES's message id and where the letter's evidence copy is. A
 * bounce or a reply may already have arrived (the mark follows the mail): then their status
 * stands, and only the marker, time and id are set. Marked already (a stale claim taken again
 * while this run still sent): nothing changes.
 */
export async function markMailed(
  proposalId: string,
  email: string,
  messageId: string,
  copyKey: string,
): Promise<void> {
  const mark = { email, messageId, copyKey };
  if (await conditionally(new UpdateCommand(markInput(proposalId, mark, true)))) return;
  await conditionally(new UpdateCommand(markInput(proposalId, mark, false)));
}

/**
 * Marks consultees mailed as markMailed does, up to 100 to a transaction: the common case (still
 * pending) in one request; a transaction a bounce or reply cancelled is redone item by item.
 */
export async function markAllMailed(proposalId: string, marks: readonly MailedMark[]): Promise<void> {
  for (let i = 0; i < marks.length; i += TRANSACTION_ITEMS) {
    const chunk = marks.slice(i, i + TRANSACTION_ITEMS);
    const byEmail = new Map(chunk.map((m) => [m.email, m]));
    // Redone item by item in full: a consultee whose status moved on is still marked sent.
    await inTransaction(
      chunk.map((m) => markInput(proposalId, m, true)),
      chunk.map((m) => m.email),
      async (email) => {
        const m = byEmail.get(email) as MailedMark;
        await markMailed(proposalId, m.email, m.messageId, m.copyKey);
        return true;
      },
      false,
    );
  }
}

/** Gives the claim back, so a retry mails this consultee (SES refused, or the mail was never tried). */
export async function releaseConsultee(proposalId: string, email: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: consulteeKey(proposalId, email),
      UpdateExpression: 'SET #marker = :null',
      ConditionExpression: '#marker = :sending',
      ExpressionAttributeNames: { '#marker': 'mailMarker' },
      ExpressionAttributeValues: { ':null': null, ':sending': 'sending' },
    }),
  );
}
