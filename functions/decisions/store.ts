// The decision chain in the single table: appending without a lock (one conditional Put on the
// next sequence slot), reading one decision, listing by date, and walking the chain for audit.
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { sealDecision } from '../shared/chain.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { NotFoundError } from '../shared/errors.js';
import {
  CHAIN_PARTITION,
  chainAnchorKey,
  DECISIONS_PARTITION,
  decisionClaimKey,
  decisionIdFor,
  decisionIndexKeys,
  decisionKey,
  proposalPartition,
  REVIEW_DUE_PARTITION,
  sequenceOfDecisionId,
} from '../shared/keys.js';
import { log } from '../shared/logger.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import { GENESIS_HASH } from '../shared/model/genesis.js';
import type { Outcome } from '../shared/model/outcome.js';
import { conditionHeld, isConditionFailure } from '../shared/store/conditions.js';
import { decodeCursor, encodeCursor } from '../shared/store/proposals.js';
import { queryPages } from '../shared/store/query.js';

/** A decision before it takes its place in the chain. */
export type DecisionDraft = Omit<DecisionRecord, 'decisionId' | 'sequence' | 'prevHash' | 'hash'>;

/**
 * Enough for a burst of simultaneous decisions (issue 15: 100 at once, where 12 attempts left some
 * proposals failed); each retry re-reads the head. With the backoff below the attempts stay well
 * inside RecordDecision's timeout, and the state machine retries a ChainContentionError as well.
 */
export const MAX_APPEND_ATTEMPTS = 40;
/** The longest pause between two attempts: full jitter below it spreads the racers out. */
const MAX_BACKOFF_MS = 500;
const CHAIN_PAGE_SIZE = 500;
const STORAGE_FIELDS = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'type'];

export class ChainContentionError extends Error {
  override readonly name = 'ChainContentionError';
}

/**
 * The record as stored, without the table's own attributes. Deliberately not re-validated: an
 * auditor must see exactly what is kept, and a tampered record must fail the hash check, not the
 * parser.
 */
function toDecision(item: Record<string, unknown>): DecisionRecord {
  const record = { ...item };
  for (const field of STORAGE_FIELDS) delete record[field];
  return record as DecisionRecord;
}

/**
 * The decision of a proposal, if it has one: by the decisions-by-proposal index, or by the id the
 * proposal already carries (the index is eventually consistent; the proposal is read consistently).
 */
export async function findDecisionOfProposal(
  proposalId: string,
  knownDecisionId: string | null = null,
): Promise<DecisionRecord | undefined> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI3',
      KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK = :sk',
      ExpressionAttributeValues: { ':pk': proposalPartition(proposalId), ':sk': 'DECISION' },
      Limit: 1,
    }),
  );
  const indexed = out.Items?.[0];
  if (indexed) return toDecision(indexed);
  return knownDecisionId ? findDecision(knownDecisionId) : undefined;
}

/** The latest decision of the chain, read consistently: the slot after it is the one to take. */
export async function chainHead(): Promise<DecisionRecord | undefined> {
  const out = await dynamo.send(new QueryCommand(chainQuery({ forward: false, limit: 1 })));
  const item = out.Items?.[0];
  return item ? toDecision(item) : undefined;
}

/**
 * Appends a proposal's decision once. A replay (the proposal already has one) returns the existing
 * record and writes nothing. Two writers racing for the same slot: one Put wins, the other's
 * condition fails, and it re-reads the head and takes the next slot.
 */
export async function appendDecision(
  draft: DecisionDraft,
  knownDecisionId: string | null = null,
): Promise<{ record: DecisionRecord; appended: boolean }> {
  const existing = await decisionAlreadyMade(draft.proposalId, knownDecisionId);
  if (existing) {
    // A replay after a crash between the append and the anchor: the anchor catches up.
    await advanceAnchor(existing);
    return { record: existing, appended: false };
  }
  // Issue 15: two runs of RecordDecision for one proposal at once (a retry after a Lambda timeout
  // while the first run still appends) must not both take a slot. The index that finds a made
  // decision is eventually consistent; this claim is read consistently.
  if (!(await claimDecision(draft.proposalId))) {
    const made = await awaitClaimedDecision(draft.proposalId);
    if (made) return { record: made, appended: false };
    throw new DecisionInProgressError(
      `Another run is recording the decision of proposal ${draft.proposalId}; try again.`,
    );
  }

  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    const head = await chainHead();
    const sequence = (head?.sequence ?? 0) + 1;
    const record = sealDecision({
      ...draft,
      decisionId: decisionIdFor(sequence),
      sequence,
      prevHash: head?.hash ?? GENESIS_HASH,
    });
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...decisionKey(sequence), ...decisionIndexKeys(record), type: 'decision', ...record },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      await settleClaim(draft.proposalId, sequence);
      await advanceAnchor(record);
      return { record, appended: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Someone else took this slot: back off a little (with jitter) so the racers spread out.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, 20 * 2 ** attempt)),
      );
    }
  }
  throw new ChainContentionError(
    `Could not append to the decision chain after ${MAX_APPEND_ATTEMPTS} attempts: too many simultaneous decisions.`,
  );
}

export class DecisionInProgressError extends Error {
  override readonly name = 'DecisionInProgressError';
}

/** Longer than RecordDecision can run (its timeout): a claim this old belongs to a run that died. */
const CLAIM_STALE_MS = 120_000;

/** The decision a proposal has: by the index or its known id, else by its settled claim (consistent). */
async function decisionAlreadyMade(
  proposalId: string,
  knownDecisionId: string | null,
): Promise<DecisionRecord | undefined> {
  const found = await findDecisionOfProposal(proposalId, knownDecisionId);
  if (found) return found;
  const claim = await readClaim(proposalId);
  return typeof claim?.sequence === 'number' ? findDecision(decisionIdFor(claim.sequence)) : undefined;
}

async function readClaim(proposalId: string): Promise<{ sequence?: number; claimedAt?: number } | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: decisionClaimKey(proposalId), ConsistentRead: true }),
  );
  return out.Item as { sequence?: number; claimedAt?: number } | undefined;
}

/** Takes the proposal's one claim on a chain slot; false when a live run holds it or it is settled. */
async function claimDecision(proposalId: string): Promise<boolean> {
  const now = Date.now();
  return conditionHeld(
    dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...decisionClaimKey(proposalId), type: 'decision-claim', claimedAt: now },
        ConditionExpression:
          'attribute_not_exists(PK) OR (attribute_not_exists(#sequence) AND #claimedAt < :stale)',
        ExpressionAttributeNames: { '#sequence': 'sequence', '#claimedAt': 'claimedAt' },
        ExpressionAttributeValues: { ':stale': now - CLAIM_STALE_MS },
      }),
    ),
  );
}

/** Records which slot the claim's decision took: later runs find it with one consistent read. */
async function settleClaim(proposalId: string, sequence: number): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: decisionClaimKey(proposalId),
      UpdateExpression: 'SET #sequence = :sequence',
      ExpressionAttributeNames: { '#sequence': 'sequence' },
      ExpressionAttributeValues: { ':sequence': sequence },
    }),
  );
}

/** Waits a little for the run holding the claim to settle it; undefined if it does not in time. */
async function awaitClaimedDecision(proposalId: string): Promise<DecisionRecord | undefined> {
  for (let i = 0; i < 20; i++) {
    const claim = await readClaim(proposalId);
    if (typeof claim?.sequence === 'number') return findDecision(decisionIdFor(claim.sequence));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

export async function findDecision(decisionId: string): Promise<DecisionRecord | undefined> {
  const sequence = sequenceOfDecisionId(decisionId);
  if (sequence === undefined) return undefined;
  const out = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: decisionKey(sequence), ConsistentRead: true }),
  );
  return out.Item ? toDecision(out.Item) : undefined;
}

export async function getDecision(decisionId: string): Promise<DecisionRecord> {
  const record = await findDecision(decisionId);
  if (!record) throw new NotFoundError(`No decision with id ${decisionId}.`);
  return record;
}

export interface DecisionQuery {
  /** Inclusive bounds on decidedAt: an ISO date (whole day) or date-time. */
  from?: string | undefined;
  to?: string | undefined;
  outcome?: Outcome | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Decisions newest first from the by-date index. The outcome filter runs after DynamoDB's Limit,
 * so one Query page can hold fewer matches than asked for: keep reading until the page is full or
 * the index ends, and resume the next page after the last record returned.
 */
export async function listDecisions(
  query: DecisionQuery,
): Promise<{ items: DecisionRecord[]; nextCursor: string | null }> {
  // DynamoDB refuses names and values an expression does not use, so each is added with its use.
  const names: Record<string, string> = { '#pk': 'GSI1PK' };
  const values: Record<string, unknown> = { ':pk': DECISIONS_PARTITION };
  let condition = '#pk = :pk';
  const from = query.from ? lowerBound(query.from) : undefined;
  const to = query.to ? upperBound(query.to) : undefined;
  if (from !== undefined || to !== undefined) names['#sk'] = 'GSI1SK';
  if (from !== undefined && to !== undefined) {
    condition += ' AND #sk BETWEEN :from AND :to';
    Object.assign(values, { ':from': from, ':to': to });
  } else if (from !== undefined) {
    condition += ' AND #sk >= :from';
    values[':from'] = from;
  } else if (to !== undefined) {
    condition += ' AND #sk <= :to';
    values[':to'] = to;
  }
  if (query.outcome) {
    names['#outcome'] = 'outcome';
    values[':outcome'] = query.outcome;
  }

  const items: Record<string, unknown>[] = [];
  let startKey = decisionCursor(query.cursor);
  let more = false;
  do {
    const wanted = query.limit - items.length;
    const out = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI1',
        KeyConditionExpression: condition,
        ...(query.outcome ? { FilterExpression: '#outcome = :outcome' } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        // Filtered pages read ahead, since only some of what is read matches.
        Limit: query.outcome ? Math.max(wanted, 100) : wanted,
        ExclusiveStartKey: startKey,
      }),
    );
    const page = out.Items ?? [];
    items.push(...page.slice(0, wanted));
    startKey = out.LastEvaluatedKey;
    more = page.length > wanted || startKey !== undefined;
  } while (items.length < query.limit && startKey);

  const last = items.at(-1);
  return {
    items: items.map(toDecision),
    nextCursor:
      more && last && items.length === query.limit
        ? encodeCursor({ PK: last.PK, SK: last.SK, GSI1PK: last.GSI1PK, GSI1SK: last.GSI1SK })
        : null,
  };
}

/**
 * Approvals whose review date is on or before `before` (an ISO date), soonest first: one Query on
 * GSI2, where only approvals with a review date are indexed.
 */
export async function listReviewsDue(query: {
  before: string;
  limit: number;
  cursor?: string | undefined;
}): Promise<{ items: DecisionRecord[]; nextCursor: string | null }> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI2',
      KeyConditionExpression: '#pk = :pk AND #sk <= :before',
      ExpressionAttributeNames: { '#pk': 'GSI2PK', '#sk': 'GSI2SK' },
      // `<date>#\uffff` takes in every decision due on the day itself.
      ExpressionAttributeValues: { ':pk': REVIEW_DUE_PARTITION, ':before': `${query.before}#\uffff` },
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor, ['PK', 'SK', 'GSI2PK', 'GSI2SK'], {
        PK: CHAIN_PARTITION,
        GSI2PK: REVIEW_DUE_PARTITION,
      }),
    }),
  );
  const items = out.Items ?? [];
  return {
    items: items.map(toDecision),
    nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null,
  };
}

/** A cursor this list handed out, or a 400: a forged one must not reach DynamoDB as a start key. */
function decisionCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  return decodeCursor(cursor, ['PK', 'SK', 'GSI1PK', 'GSI1SK'], {
    PK: CHAIN_PARTITION,
    GSI1PK: DECISIONS_PARTITION,
  });
}

/** A date alone starts at its first moment; a date-time is normalised to the stored UTC form. */
function lowerBound(value: string): string {
  return isDateOnly(value) ? value : new Date(value).toISOString();
}

/** A date alone covers the whole day; `#\uffff` takes in every decision id at that instant. */
function upperBound(value: string): string {
  return isDateOnly(value) ? `${value}T\uffff` : `${new Date(value).toISOString()}#\uffff`;
}

const isDateOnly = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The chain's records read consistently, from the first (forward) or from the head. */
const chainQuery = ({ forward, limit }: { forward: boolean; limit: number }): QueryCommandInput => ({
  TableName: tableName(),
  KeyConditionExpression: 'PK = :pk',
  ExpressionAttributeValues: { ':pk': CHAIN_PARTITION },
  ScanIndexForward: forward,
  Limit: limit,
  ConsistentRead: true,
});

/** The whole chain in sequence order, one page at a time (for verification). */
export async function* iterateChain(pageSize = CHAIN_PAGE_SIZE): AsyncGenerator<DecisionRecord[]> {
  for await (const page of queryPages(chainQuery({ forward: true, limit: pageSize }))) {
    if (page.length > 0) yield page.map(toDecision);
  }
}

export interface ChainAnchor {
  sequence: number;
  hash: string;
  anchoredAt: string;
}

/**
 * Moves the anchored head forward to this record, never back (a slower writer with an older
 * record changes nothing). A failure is logged, not thrown: the decision stands, and the next
 * append (or this one's replay) brings the anchor up to date.
 */
export async function advanceAnchor(record: Pick<DecisionRecord, 'sequence' | 'hash'>): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: chainAnchorKey(),
        UpdateExpression: 'SET #sequence = :sequence, #hash = :hash, #at = :at',
        ConditionExpression: 'attribute_not_exists(PK) OR #sequence < :sequence',
        ExpressionAttributeNames: { '#sequence': 'sequence', '#hash': 'hash', '#at': 'anchoredAt' },
        ExpressionAttributeValues: {
          ':sequence': record.sequence,
          ':hash': record.hash,
          ':at': new Date().toISOString(),
        },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return;
    log.error('chain anchor not advanced', { sequence: record.sequence, error: (error as Error).name });
  }
}

export async function readAnchor(): Promise<ChainAnchor | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: chainAnchorKey(), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  return {
    sequence: Number(out.Item.sequence),
    hash: String(out.Item.hash),
    anchoredAt: String(out.Item.anchoredAt),
  };
}
