// The common case of a counted reply in one DynamoDB request (issue 17): the first delivery of a
// response, in time, from the consultee's own address, to a consultee whose entry in the counts is
// as their item stands. The stored reply, the consultee's response and the timeline entry are one
// TransactWriteItems, all written or none; the counts then move as after any consultee write.
// Anything else (a second delivery, a newer reply already counted, counts behind the consultee, a
// conflicting write) cancels the transaction, and the reply takes the step-by-step path, which
// handles every case. On AWS the same: a transaction of three items, or the path as before.
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CountedConsultee, CountedState } from '../consultation/summary.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { consulteeKey, type Key } from '../shared/keys.js';
import type { Reply } from '../shared/model/consultation.js';
import { timelineEventPut } from '../shared/store/proposals.js';
import { replyPut } from './lookup.js';

/** A consultee write as updateCountedConsultee takes it (its count version is added here). */
export interface ConsulteeUpdate {
  set: string;
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * Writes the reply, the consultee's response and the timeline event together, on condition that
 * the reply is new, `update`'s own condition holds, and the consultee's count version and mail
 * marker are those of `known` (their entry in the counts, read with the proposal). Returns the
 * consultee's counted fields as the write left them; undefined when nothing was written.
 */
export async function writeFirstResponse(input: {
  proposalId: string;
  email: string;
  replyKey: Key;
  reply: Reply;
  update: ConsulteeUpdate;
  known: CountedState | undefined;
  event: { name: string; detail: string };
}): Promise<CountedConsultee | undefined> {
  const { known, update } = input;
  // An entry without a version (or none) counts a consultee written before versions: step by step.
  if (!known || !(known.version >= 1)) return undefined;
  const marker = known.mailed
    ? '#mailMarker = :sent'
    : '(attribute_not_exists(#mailMarker) OR #mailMarker <> :sent)';
  try {
    await dynamo.send(
      new TransactWriteCommand({
        // The SDK's retry of this request carries the token: DynamoDB answers it once.
        ClientRequestToken: randomUUID(),
        TransactItems: [
          { Put: replyPut(input.replyKey, input.reply) },
          {
            Update: {
              TableName: tableName(),
              Key: consulteeKey(input.proposalId, input.email),
              UpdateExpression: `SET ${update.set}, #countVersion = :next`,
              ConditionExpression: `(${update.condition}) AND #countVersion = :known AND ${marker}`,
              ExpressionAttributeNames: {
                ...update.names,
                '#countVersion': 'countVersion',
                '#mailMarker': 'mailMarker',
              },
              ExpressionAttributeValues: {
                ...update.values,
                ':known': known.version,
                ':next': known.version + 1,
                ':sent': 'sent',
              },
            },
          },
          { Put: timelineEventPut(input.proposalId, input.event.name, input.event.detail, new Date()) },
        ],
      }),
    );
  } catch (error) {
    if ((error as Error | undefined)?.name === 'TransactionCanceledException') return undefined;
    throw error;
  }
  return {
    email: input.email,
    status: 'responded',
    stance: input.reply.stance,
    mailMarker: known.mailed ? 'sent' : null,
    countVersion: known.version + 1,
  };
}
