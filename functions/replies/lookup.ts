// The reads and the conditional write of a stored reply in inbound mail: which consultee a reply token leads to
// (a forged token leads nowhere), the reply stored once by its Message-ID, and the stored reply.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { findProposalForReply, type ProposalForReply } from '../consultation/summary.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { sha256hex } from '../shared/hash.js';
import { consulteeKey, type Key, replyKey, replyTokenKey } from '../shared/keys.js';
import { ConsulteeStatus, Reply } from '../shared/model/consultation.js';
import { conditionHeld } from '../shared/store/conditions.js';

export interface Match {
  proposalId: string;
  /** As read when the reply was matched: its count entry is the first guess of the count sync. */
  proposal: ProposalForReply;
  consultee: { name: string; email: string };
}

const TokenItem = z.object({
  proposalId: z.string().check(z.minLength(1)),
  email: z.string().check(z.minLength(1)),
  name: z.optional(z.string()),
});

const ConsulteeItem = z.object({
  name: z.string(),
  email: z.string().check(z.minLength(1)),
  status: ConsulteeStatus,
});

async function getItem(key: Key): Promise<Record<string, unknown> | undefined> {
  const out = await dynamo.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return out.Item;
}

/** The first token that leads to an existing proposal and consultee; a forged token leads nowhere. */
export async function findConsultee(tokens: string[]): Promise<Match | undefined> {
  for (const token of tokens) {
    const tokenItem = TokenItem.safeParse(await getItem(replyTokenKey(sha256hex(token))));
    if (!tokenItem.success) continue;
    const { proposalId, email, name } = tokenItem.data;
    // The token names its consultee; one stored before it did is looked up.
    const [proposal, consultee] = await Promise.all([
      findProposalForReply(proposalId, email),
      name === undefined ? readConsultee(proposalId, email) : { name, email },
    ]);
    if (!proposal || !consultee) continue;
    return { proposalId, proposal, consultee };
  }
  return undefined;
}

export async function readConsultee(proposalId: string, email: string) {
  const consultee = ConsulteeItem.safeParse(await getItem(consulteeKey(proposalId, email)));
  return consultee.success ? { name: consultee.data.name, email: consultee.data.email } : undefined;
}

/** The write of a stored reply: a new item, refused where one is already at its key. */
export const replyPut = (key: Key, reply: Reply) => ({
  TableName: tableName(),
  Item: { ...key, type: 'reply', ...reply },
  ConditionExpression: 'attribute_not_exists(PK)',
});

/** Writes the item unless one is already at its key; false means it was there (a duplicate). */
export async function putOnce(key: Key, reply: Reply): Promise<boolean> {
  return conditionHeld(dynamo.send(new PutCommand(replyPut(key, reply))));
}

export async function readStoredReply(
  proposalId: string,
  messageIdHash: string,
  fallback: Reply,
): Promise<Reply> {
  const item = await getItem(replyKey(proposalId, messageIdHash));
  if (!item) return fallback;
  const { PK: _pk, SK: _sk, type: _type, ...fields } = item;
  const stored = Reply.safeParse(fields);
  return stored.success ? stored.data : fallback;
}
