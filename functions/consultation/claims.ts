// The per-consultee "sending" claim that makes a consultation letter go once (README, Architecture:
// every task is idempotent). A claim carries the time it was taken: one whose send was never
// confirmed (the Lambda crashed, or was killed, between claim and mark) is stale after
// claimLeaseMs() and a later run takes it again, so nobody is left "sending" for ever.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { consulteeKey } from '../shared/keys.js';
import { isConditionFailure } from '../shared/store/conditions.js';
import type { ConsulteeRecord } from '../shared/store/proposals.js';

/** Overrides the claim lease (seconds); the default suits AWS. */
export const CLAIM_SECONDS_ENV = 'DPIA_SEND_CLAIM_SECONDS';
/**
 * Longer than any claim-to-mark of a live run (a batch is sized to send within half of it, and SES
 * answers in well under a second), and short enough that a crashed run's consultees go out soon.
 */
const DEFAULT_CLAIM_SECONDS = 120;

export function claimLeaseMs(): number {
  const raw = Number(process.env[CLAIM_SECONDS_ENV]);
  return (Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_CLAIM_SECONDS) * 1000;
}

/** When a consultee's claim was taken (ms); 0 for a claim from before claims carried a time. */
export const claimedAt = (consultee: ConsulteeRecord): number =>
  typeof consultee.claimedAt === 'number' ? consultee.claimedAt : 0;

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
  try {
    await dynamo.send(
      new UpdateCommand({
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
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Marks the consultee mailed, with SES's message id and where the letter's evidence copy is. A
 * bounce or a reply may already have arrived (the mark runs beside the next mail): then their
 * status stands, and only the marker, time and id are set. Marked already (a stale claim taken
 * again while this run still sent): nothing changes.
 */
export async function markMailed(
  proposalId: string,
  email: string,
  messageId: string,
  copyKey: string,
): Promise<void> {
  const update = (setStatus: boolean) =>
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: consulteeKey(proposalId, email),
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
          ':messageId': messageId,
          ':copyKey': copyKey,
          ...(setStatus ? { ':mailed': 'mailed', ':pending': 'pending' } : {}),
        },
      }),
    );
  try {
    await update(true);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    try {
      await update(false);
    } catch (again) {
      if (!isConditionFailure(again)) throw again;
    }
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
