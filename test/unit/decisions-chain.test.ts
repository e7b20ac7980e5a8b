// Appending to the decision chain without a lock, against an in-memory stand-in for the CHAIN
// partition and the decisions-by-proposal index behind a mocked DynamoDB client.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  appendDecision,
  ChainContentionError,
  getDecision,
  iterateChain,
  MAX_APPEND_ATTEMPTS,
} from '../../functions/decisions/store.js';
import { hashDecision, verifyChain } from '../../functions/shared/chain.js';
import { decisionKey } from '../../functions/shared/keys.js';
import { type DecisionRecord, GENESIS_HASH } from '../../functions/shared/model/decision.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { conditionFailed } from '../support/expressions.js';
import { decisionDraft } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();

/** The CHAIN partition by sort key; every call yields to the event loop first, as a network call would. */
let chain: Map<string, Record<string, unknown>>;
const tick = () => new Promise((resolve) => setImmediate(resolve));

let claims: Map<string, Record<string, unknown>>;
const sorted = () => [...chain.values()].sort((a, b) => String(a.SK).localeCompare(String(b.SK)));

unitEnv();
afterEach(() => vi.restoreAllMocks());

beforeEach(() => {
  chain = new Map();
  ddb.reset();
  ddb.on(QueryCommand).callsFake(async (input) => {
    await tick();
    if (input.IndexName === 'GSI3') {
      const pk = input.ExpressionAttributeValues[':pk'];
      return { Items: sorted().filter((i) => i.GSI3PK === pk && i.GSI3SK === 'DECISION') };
    }
    const items = input.ScanIndexForward === false ? sorted().reverse() : sorted();
    const start = input.ExclusiveStartKey
      ? items.findIndex((i) => i.SK === input.ExclusiveStartKey.SK) + 1
      : 0;
    const page = items.slice(start, start + (input.Limit ?? items.length));
    const more = start + page.length < items.length;
    return { Items: page, ...(more ? { LastEvaluatedKey: { PK: 'CHAIN', SK: page.at(-1)?.SK } } : {}) };
  });
  ddb.on(PutCommand).callsFake(async (input) => {
    await tick();
    if (chain.has(input.Item.SK)) throw conditionFailed();
    chain.set(input.Item.SK, input.Item);
    return {};
  });
  // Each proposal's claim on its one decision (issue 15): first come, first served.
  claims = new Map();
  ddb.on(PutCommand, { Item: { SK: 'DECISION#CLAIM' } }).callsFake(async (input) => {
    await tick();
    if (claims.has(input.Item.PK)) throw conditionFailed();
    claims.set(input.Item.PK, { ...input.Item });
    return {};
  });
  ddb.on(UpdateCommand, { Key: { SK: 'DECISION#CLAIM' } }).callsFake(async (input) => {
    const claim = claims.get(input.Key.PK);
    if (claim) claim.sequence = input.ExpressionAttributeValues[':sequence'];
    return {};
  });
  ddb.on(GetCommand).callsFake(async (input) => ({ Item: chain.get(input.Key.SK) }));
  ddb.on(GetCommand, { Key: { SK: 'DECISION#CLAIM' } }).callsFake(async (input) => ({
    Item: claims.get(input.Key.PK),
  }));
});

describe('appendDecision', () => {
  it('starts the chain at sequence 1 with the genesis prevHash, and seals the record', async () => {
    const { record, appended } = await appendDecision(decisionDraft(1));
    expect(appended).toBe(true);
    expect(record).toMatchObject({ sequence: 1, decisionId: 'DEC-000001', prevHash: GENESIS_HASH });
    expect(record.hash).toBe(hashDecision(record));
    const put = ddb
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input)
      .find((p) => p.Item?.SK === decisionKey(1).SK);
    expect(put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(put?.Item).toMatchObject({
      ...decisionKey(1),
      GSI1PK: 'DECISIONS',
      GSI1SK: `${record.decidedAt}#DEC-000001`,
      GSI2PK: 'REVIEWDUE',
      GSI2SK: '2027-12-01#DEC-000001',
      GSI3PK: 'PROPOSAL#p-1',
      GSI3SK: 'DECISION',
    });
    const head = ddb
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input)
      .find((q) => q.IndexName === undefined);
    expect(head).toMatchObject({ ScanIndexForward: false, Limit: 1, ConsistentRead: true });
  });

  it('links each record to the one before: sequence n+1, prevHash = previous hash', async () => {
    const first = (await appendDecision(decisionDraft(1))).record;
    const second = (await appendDecision(decisionDraft(2, 'rejected'))).record;
    expect(second).toMatchObject({ sequence: 2, decisionId: 'DEC-000002', prevHash: first.hash });
    expect(chain.get(decisionKey(2).SK)?.GSI2PK).toBeUndefined();
    expect(verifyChain([first, second])).toEqual({ ok: true, checked: 2 });
  });

  it('never forks: writers racing for the same slot end up one after another', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => appendDecision(decisionDraft(n))));
    expect(results.map((r) => r.record.sequence).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(ddb.commandCalls(PutCommand).length).toBeGreaterThan(5); // some lost a race and retried
    const stored: DecisionRecord[] = [];
    for await (const page of iterateChain(2)) stored.push(...page);
    expect(verifyChain(stored)).toEqual({ ok: true, checked: 5 });
  });

  it('re-reads the head and takes the next slot when its Put loses', async () => {
    await appendDecision(decisionDraft(1));
    const winner = (await appendDecision(decisionDraft(2))).record;
    chain.delete(decisionKey(2).SK);
    // A concurrent writer takes slot 2 between our head read and our Put.
    let interfered = false;
    ddb.on(PutCommand).callsFake(async (input) => {
      if (!interfered) {
        interfered = true;
        chain.set(decisionKey(2).SK, { ...decisionKey(2), ...winner });
      }
      if (chain.has(input.Item.SK)) throw conditionFailed();
      chain.set(input.Item.SK, input.Item);
      return {};
    });
    const { record } = await appendDecision(decisionDraft(3));
    expect(record).toMatchObject({ sequence: 3, prevHash: winner.hash });
  });

  it('appends nothing for a proposal that already has a decision (a replay)', async () => {
    const first = (await appendDecision(decisionDraft(1))).record;
    ddb.resetHistory();
    const again = await appendDecision({
      ...decisionDraft(1),
      rationale: 'A different rationale entirely, second time.',
    });
    expect(again).toEqual({ record: first, appended: false });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('trusts the proposal decisionId when the index has not caught up yet', async () => {
    const first = (await appendDecision(decisionDraft(1))).record;
    ddb.on(QueryCommand, { IndexName: 'GSI3' }).resolves({ Items: [] });
    ddb.resetHistory();
    const again = await appendDecision(decisionDraft(1), first.decisionId);
    expect(again.appended).toBe(false);
    expect(again.record).toEqual(first);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('gives up, bounded, when it never wins a slot', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(PutCommand, { Item: { SK: 'DECISION#CLAIM' } }).resolves({});
    await expect(appendDecision(decisionDraft(1))).rejects.toBeInstanceOf(ChainContentionError);
    const slots = ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.Item?.SK !== 'DECISION#CLAIM');
    expect(slots.length).toBe(MAX_APPEND_ATTEMPTS);
  });
});

describe('appendDecision, two runs for one proposal (issue 15)', () => {
  it('lets one take a slot; the other returns that decision once it is settled', async () => {
    const [a, b] = await Promise.all([appendDecision(decisionDraft(1)), appendDecision(decisionDraft(1))]);
    expect(a.record.decisionId).toBe(b.record.decisionId);
    expect([a.appended, b.appended].sort()).toEqual([false, true]);
    expect([...chain.keys()].filter((k) => k.startsWith('SEQ#'))).toHaveLength(1);
  });
});

describe('getDecision', () => {
  it('reads one decision by the sequence in its id, without the table attributes', async () => {
    const { record } = await appendDecision(decisionDraft(1));
    expect(await getDecision('DEC-000001')).toEqual(record);
  });

  it('answers 404 for an unknown or malformed id, without a read for a malformed one', async () => {
    await expect(getDecision('DEC-000009')).rejects.toMatchObject({ status: 404 });
    ddb.resetHistory();
    await expect(getDecision('nonsense')).rejects.toMatchObject({ status: 404 });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});

describe('iterateChain', () => {
  it('walks the chain in sequence order, a page at a time', async () => {
    for (const n of [1, 2, 3, 4, 5]) await appendDecision(decisionDraft(n));
    const pages: number[][] = [];
    for await (const page of iterateChain(2)) pages.push(page.map((r) => r.sequence));
    expect(pages).toEqual([[1, 2], [3, 4], [5]]);
  });
});
