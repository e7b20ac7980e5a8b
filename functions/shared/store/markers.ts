// Once-only mail markers on an item (a review, a DPO advice request): claimed (`sending`) with a
// conditional write before the mail goes, then `sent`, or removed when SES refused it so a retry
// may send it. A claim that fails means another attempt has it (or the item stopped qualifying).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients/dynamo.js';
import { tableName } from '../env.js';
import type { Key } from '../keys.js';
import { conditionHeld } from './conditions.js';

/** A further condition on the claim, with its own placeholders. */
export interface ClaimCondition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

export async function claimMarker(key: Key, marker: string, also?: ClaimCondition): Promise<boolean> {
  return conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'SET #marker = :sending',
        ConditionExpression: `attribute_exists(PK)${also ? ` AND ${also.expression}` : ''} AND attribute_not_exists(#marker)`,
        ExpressionAttributeNames: { '#marker': marker, ...(also?.names ?? {}) },
        ExpressionAttributeValues: { ':sending': 'sending', ...(also?.values ?? {}) },
      }),
    ),
  );
}

/** After the mail went out (`sent`); or, when sending failed, the claim is released for a retry. */
export async function settleMarker(key: Key, marker: string, sent: boolean): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: sent ? 'SET #marker = :sent' : 'REMOVE #marker',
      ConditionExpression: '#marker = :sending',
      ExpressionAttributeNames: { '#marker': marker },
      ExpressionAttributeValues: sent
        ? { ':sent': 'sent', ':sending': 'sending' }
        : { ':sending': 'sending' },
    }),
  );
}

/**
 * A signed link's one reminder (approver, DPO): claimed while the link is open, in date and was
 * mailed; sent by `send`; released if SES refuses. False when another attempt has it, or the link
 * is no longer open.
 */
export async function remindOnce(key: Key, now: Date, send: () => Promise<unknown>): Promise<boolean> {
  const open: ClaimCondition = {
    expression: '#state = :open AND #expiresAt > :now AND #mailMarker = :sent',
    names: { '#state': 'state', '#expiresAt': 'expiresAt', '#mailMarker': 'mailMarker' },
    values: { ':open': 'open', ':now': now.toISOString(), ':sent': 'sent' },
  };
  if (!(await claimMarker(key, 'reminderMarker', open))) return false;
  await sendClaimed(key, 'reminderMarker', send);
  return true;
}

/**
 * Sends the mail a claimed marker stands for: `sent` after it went, or the claim released when
 * sending failed (SES refused it), so a retry may send it. The sending error is what is thrown.
 */
export async function sendClaimed(key: Key, marker: string, send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    await settleMarker(key, marker, false).catch(() => undefined);
    throw error;
  }
  await settleMarker(key, marker, true);
}
