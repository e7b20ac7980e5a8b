// The item behind a DPO's advice link (SPEC 10): who is asked, until when, the advice once given,
// and the RequestDpoAdvice task token (which never leaves the back end). Single use comes from one
// conditional update, `open → given`; the DPO's silence voids it (`open → void`) the same way.
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { ConflictError, GoneError, NotFoundError } from '../shared/errors.js';
import { adviceKey } from '../shared/keys.js';
import { isConditionFailure } from '../shared/store/conditions.js';
import { claimMarker, settleMarker } from '../shared/store/markers.js';
import { type AdviceGiven, AdviceRecord } from './record.js';

// The record's zod schema is in record.ts: only reading a record parses it, so a function that
// only voids one (withdrawal, expiry) does not build it.
export { AdviceGiven, AdviceRecord } from './record.js';

export const newAdviceId = (): string => randomBytes(16).toString('base64url');

export async function createAdvice(
  advice: Omit<AdviceRecord, 'state' | 'given' | 'mailMarker' | 'reminderMarker' | 'voidReason'>,
): Promise<AdviceRecord> {
  const record: AdviceRecord = { ...advice, state: 'open' };
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...adviceKey(advice.adviceId), type: 'advice', ...record },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
  return record;
}

export async function findAdvice(adviceId: string): Promise<AdviceRecord | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: adviceKey(adviceId), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { PK: _pk, SK: _sk, type: _type, ...item } = out.Item;
  return AdviceRecord.parse(item);
}

export async function getAdvice(adviceId: string): Promise<AdviceRecord> {
  const advice = await findAdvice(adviceId);
  if (!advice)
    throw new NotFoundError('There is no advice request with this id: check the link in your e-mail.');
  return advice;
}

/** Records the advice once, while the link is open and in date; 409 when given, 410 when void or late. */
export async function giveAdvice(adviceId: string, given: AdviceGiven, now: Date): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: adviceKey(adviceId),
        UpdateExpression: 'SET #state = :given, #given = :advice',
        ConditionExpression: 'attribute_exists(PK) AND #state = :open AND #expiresAt > :now',
        ExpressionAttributeNames: { '#state': 'state', '#given': 'given', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: {
          ':given': 'given',
          ':open': 'open',
          ':advice': given,
          ':now': now.toISOString(),
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await getAdvice(adviceId);
    throw current.state === 'given' ? adviceGivenAlready() : adviceLinkGone();
  }
}

/** Voids an open request (the DPO's time ran out, or the proposal was withdrawn); false if not open. */
export async function voidAdvice(adviceId: string, reason: string): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: adviceKey(adviceId),
        UpdateExpression: 'SET #state = :void, #reason = :reason',
        ConditionExpression: 'attribute_exists(PK) AND #state = :open',
        ExpressionAttributeNames: { '#state': 'state', '#reason': 'voidReason' },
        ExpressionAttributeValues: { ':void': 'void', ':open': 'open', ':reason': reason },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export const adviceGivenAlready = (): ConflictError =>
  new ConflictError(
    'The advice on this proposal has already been given through this link; a link can be used once.',
  );

export const adviceLinkGone = (): GoneError =>
  new GoneError(
    'This advice link has expired or been withdrawn: the proposal has gone on to the approver without it, or was withdrawn.',
  );

/** The one request mail of this advice item (functions/shared/store/markers.ts). */
export const claimAdviceMail = (adviceId: string): Promise<boolean> =>
  claimMarker(adviceKey(adviceId), 'mailMarker');
export const settleAdviceMail = (adviceId: string, sent: boolean): Promise<void> =>
  settleMarker(adviceKey(adviceId), 'mailMarker', sent);
