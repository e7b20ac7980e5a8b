// GET /audit/verify: the chain re-checked page by page, intact and tampered, with DynamoDB mocked.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/audit/verify.handler.js';
import { verifyDecisionChain } from '../../functions/audit/verify.js';
import { iterateChain } from '../../functions/decisions/store.js';
import { assessmentDigest, sealDecision } from '../../functions/shared/chain.js';
import type { HttpResult } from '../../functions/shared/http.js';
import { decisionIdFor, decisionIndexKeys, decisionKey } from '../../functions/shared/keys.js';
import { type DecisionRecord, GENESIS_HASH } from '../../functions/shared/model/decision.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { httpEvent } from '../support/events.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();

/** What proposal n was when it was assessed (issue 19: its digest is in the record). */
const assessedInput = (n: number) => ({
  title: `ANPR site ${n}`,
  risks: [
    { description: 'Reads kept beyond the purpose', likelihood: 2, severity: 2, mitigation: '90-day access' },
  ],
});
/** The proposals as stored now, by id: a test edits one behind the API's back. */
let inputs = new Map<string, unknown>();

function buildChain(length: number): Record<string, unknown>[] {
  const records: DecisionRecord[] = [];
  for (let n = 1; n <= length; n++) {
    records.push(
      sealDecision({
        decisionId: decisionIdFor(n),
        proposalId: `p-${n}`,
        reference: `DPIA-2026-${String(n).padStart(4, '0')}`,
        outcome: 'approved',
        rationale: 'Pressing need is clear and consultation raised no unanswered objection.',
        conditions: null,
        decidedBy: 'approver@police.example',
        decidedAt: new Date(Date.UTC(2026, 11, 1, 9, n)).toISOString(),
        reviewDate: '2027-12-01',
        pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1' },
        // Record 1 was decided before issue 19: it has no digest, and is still intact.
        ...(n === 1 ? {} : { assessedDigest: assessmentDigest(assessedInput(n)) }),
        consultation: {
          mailed: 3,
          responded: 2,
          late: 0,
          tally: { support: 2, concerns: 0, object: 0, unclassified: 0 },
        },
        sequence: n,
        prevHash: records[n - 2]?.hash ?? GENESIS_HASH,
      }),
    );
  }
  return records.map((r) => ({
    ...decisionKey(r.sequence),
    ...decisionIndexKeys(r),
    type: 'decision',
    ...r,
  }));
}

/** A stored record as it was before sealing: without its table keys and its hash, to seal again. */
const unsealed = (item: Record<string, unknown>) => {
  const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK, type, hash, ...rest } = item;
  return rest as Omit<DecisionRecord, 'hash'>;
};

let stored: Record<string, unknown>[];
/** Decided proposals beyond those the stored records decide. */
let proposals: Record<string, unknown>[] = [];
/** The anchored head as the appends left it: the last record of the chain as built. */
let anchor: { sequence: number; hash: string } | undefined;
const headOf = (items: Record<string, unknown>[]) => {
  const last = items.at(-1);
  return last ? { sequence: last.sequence as number, hash: last.hash as string } : undefined;
};

const verify = async (role: 'manager' | 'auditor' | null = 'auditor') => {
  const res = (await handler(httpEvent({ path: '/audit/verify', role }), {} as Context)) as HttpResult & {
    body: string;
  };
  return { status: res.statusCode, body: JSON.parse(res.body) };
};

unitEnv();
beforeEach(() => {
  stored = buildChain(7);
  inputs = new Map(stored.map((r, i) => [r.proposalId as string, assessedInput(i + 1)]));
  proposals = [];
  anchor = headOf(stored);
  ddb.reset();
  ddb.on(GetCommand).callsFake(() => ({
    Item: anchor && { PK: 'CHAIN#ANCHOR', SK: 'ANCHOR', ...anchor, anchoredAt: '2026-12-01T09:07:00.000Z' },
  }));
  // The CHAIN partition in sort-key order, a few records per page so verification crosses pages.
  ddb.on(QueryCommand).callsFake((input) => {
    // The status index: every stored record's proposal is approved (the decided-proposals check).
    if (input.IndexName === 'GSI2') {
      const approved = input.ExpressionAttributeValues[':pk'] === 'STATUS#approved';
      return {
        Items: approved
          ? [
              ...proposals,
              ...stored.map((r) => ({
                proposalId: r.proposalId,
                reference: r.reference,
                status: 'approved',
                decisionId: r.decisionId,
                input: inputs.get(r.proposalId as string),
              })),
            ]
          : [],
      };
    }
    const start = input.ExclusiveStartKey
      ? stored.findIndex((i) => i.SK === input.ExclusiveStartKey.SK) + 1
      : 0;
    const page = stored.slice(start, start + Math.min(input.Limit ?? 3, 3));
    const more = start + page.length < stored.length;
    return { Items: page, ...(more ? { LastEvaluatedKey: { PK: 'CHAIN', SK: page.at(-1)?.SK } } : {}) };
  });
});

describe('GET /audit/verify', () => {
  it('answers ok with the number of records checked for an intact chain, across pages', async () => {
    expect(await verify()).toEqual({ status: 200, body: { ok: true, checked: 7, head: anchor } });
    const chainReads = ddb.commandCalls(QueryCommand).filter((c) => !c.args[0].input.IndexName);
    expect(chainReads.length).toBe(3);
    expect(chainReads[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'CHAIN' },
      ScanIndexForward: true,
      ConsistentRead: true,
    });
  });

  it('answers ok with 0 for an empty chain', async () => {
    stored = [];
    anchor = undefined;
    expect(await verify()).toEqual({ status: 200, body: { ok: true, checked: 0, head: null } });
  });

  it('names the first broken record when one was edited (on a later page)', async () => {
    (stored[4] as Record<string, unknown>).rationale = 'Quietly rewritten after the event.';
    const { status, body } = await verify();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: false, checked: 4, firstBroken: 'DEC-000005' });
    expect(body.reason).toMatch(/hash/);
  });

  it('catches a record removed from the chain, and one re-hashed to hide an edit', async () => {
    stored.splice(2, 1);
    expect((await verify()).body).toMatchObject({ ok: false, checked: 2, firstBroken: 'DEC-000004' });

    stored = buildChain(7);
    const resealed = sealDecision({ ...unsealed(stored[1] as Record<string, unknown>), outcome: 'rejected' });
    stored[1] = { ...stored[1], ...resealed };
    // Its own hash is fine now, but the next record still points at the old one.
    expect((await verify()).body).toMatchObject({ ok: false, checked: 2, firstBroken: 'DEC-000003' });
  });

  it('catches the newest records deleted, though what is left still links up (issue 21)', async () => {
    stored = stored.slice(0, 5);
    const { body } = await verify();
    expect(body).toMatchObject({ ok: false, checked: 5, firstBroken: 'DEC-000006' });
    expect(body.reason).toContain('before its anchored head 7');
  });

  it('catches records rewritten and re-hashed all the way to the head (issue 21)', async () => {
    // Rewrite record 6 and re-chain record 7 after it: every link is consistent again...
    const six = sealDecision({ ...unsealed(stored[5] as Record<string, unknown>), outcome: 'rejected' });
    const seven = sealDecision({ ...unsealed(stored[6] as Record<string, unknown>), prevHash: six.hash });
    stored[5] = { ...stored[5], ...six };
    stored[6] = { ...stored[6], ...seven };
    // ...but the head no longer has the hash the appends anchored.
    const { body } = await verify();
    expect(body).toMatchObject({ ok: false, checked: 7, firstBroken: 'DEC-000007' });
    expect(body.reason).toContain('rewritten');
  });

  it('catches a decided proposal whose decision is not in the chain (issue 21)', async () => {
    // Its record was removed and the records after it re-linked and re-numbered: the chain checks
    // out, but the proposal still says approved, by a decision the chain does not hold.
    proposals = [
      { proposalId: 'p-gone', reference: 'DPIA-2026-0099', status: 'approved', decisionId: 'DEC-000003' },
    ];
    expect((await verify()).body).toMatchObject({
      ok: false,
      firstBroken: 'DEC-000003',
      reason: 'DPIA-2026-0099 is approved, but its decision DEC-000003 is not in the chain',
    });
    proposals = [
      { proposalId: 'p-late', reference: 'DPIA-2026-0100', status: 'approved', decisionId: 'DEC-000008' },
    ];
    expect((await verify()).body).toMatchObject({ ok: true }); // decided after the chain was read
  });

  it("catches an approved proposal's risks edited after the decision (issue 19)", async () => {
    expect((await verify()).body).toMatchObject({ ok: true, checked: 7 });
    const edited = assessedInput(5);
    (edited.risks[0] as { likelihood: number }).likelihood = 1;
    inputs.set('p-5', edited);
    expect((await verify()).body).toMatchObject({
      ok: false,
      checked: 7,
      firstBroken: 'DEC-000005',
      reason: 'DPIA-2026-0005 was changed after its decision: it is no longer the proposal that was assessed',
    });
  });

  it('catches a field added to a record', async () => {
    (stored[0] as Record<string, unknown>).note = 'added later';
    expect((await verify()).body).toMatchObject({ ok: false, checked: 0, firstBroken: 'DEC-000001' });
  });

  it('answers 401 without a token and 403 to a manager, reading nothing', async () => {
    expect((await verify(null)).status).toBe(401);
    expect((await verify('manager')).status).toBe(403);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('verifyDecisionChain', () => {
  it('carries the previous hash across page boundaries', async () => {
    const pages = iterateChain(2);
    expect(await verifyDecisionChain(pages)).toEqual({ ok: true, checked: 7, head: anchor });
  });
});
