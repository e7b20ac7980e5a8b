// GET /reviews/due (SPEC 10): roles, query validation, and the Query on the review-due index,
// against an in-memory stand-in for GSI2 behind a mocked DynamoDB client.
import {
  GetCommand,
  type GetCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/review-cycle/due.handler.js';
import { decisionIdFor, decisionIndexKeys, decisionKey, proposalKey } from '../../functions/shared/keys.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { answerTo, httpEvent } from '../support/events.js';
import { checkPlaceholders } from '../support/expressions.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();

/** Five decisions: approvals due 2027-03-01, 2027-06-01 (two) and 2027-09-01, and one rejection. */
const decisions = [
  { n: 1, outcome: 'approved', reviewDate: '2027-06-01' },
  { n: 2, outcome: 'rejected', reviewDate: null },
  { n: 3, outcome: 'approved', reviewDate: '2027-03-01' },
  { n: 4, outcome: 'approved', reviewDate: '2027-09-01' },
  { n: 5, outcome: 'approved', reviewDate: '2027-06-01' },
].map(({ n, outcome, reviewDate }) => {
  const record = {
    decisionId: decisionIdFor(n),
    proposalId: `p-${n}`,
    reference: `DPIA-2026-000${n}`,
    outcome,
    rationale: 'A rationale long enough to be kept.',
    conditions: n === 3 ? 'Signage at both ends' : null,
    decidedBy: 'approver@police.example',
    decidedAt: `2026-12-0${n}T10:00:00.000Z`,
    reviewDate,
    sequence: n,
  };
  return { ...decisionKey(n), ...decisionIndexKeys(record), type: 'decision', ...record };
});

function queryIndex(input: QueryCommandInput) {
  checkPlaceholders(input);
  const v = input.ExpressionAttributeValues ?? {};
  const due = decisions
    .filter((d) => d.GSI2PK === v[':pk'] && String(d.GSI2SK) <= String(v[':before']))
    .sort((a, b) => String(a.GSI2SK).localeCompare(String(b.GSI2SK)));
  const start = input.ExclusiveStartKey
    ? due.findIndex((d) => d.GSI2SK === input.ExclusiveStartKey?.GSI2SK) + 1
    : 0;
  const page = due.slice(start, start + (input.Limit ?? due.length));
  const last = page.at(-1);
  const more = start + page.length < due.length;
  return {
    Items: structuredClone(page),
    ...(more && last
      ? { LastEvaluatedKey: { PK: last.PK, SK: last.SK, GSI2PK: last.GSI2PK, GSI2SK: last.GSI2SK } }
      : {}),
  };
}

const call = (query: Record<string, string> | undefined, role: 'manager' | 'auditor' | null = 'auditor') =>
  answerTo(handler, httpEvent({ path: '/reviews/due', role, ...(query ? { query } : {}) }));

unitEnv();

beforeEach(() => {
  ddb.reset();
  ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => queryIndex(input));
  ddb.on(GetCommand).callsFake(async (input: GetCommandInput) => {
    const id = String(input.Key?.PK).replace('PROPOSAL#', '');
    return {
      Item: {
        ...proposalKey(id),
        proposalId: id,
        input: { title: `ANPR camera ${id}`, cameraType: 'ANPR', publicArea: 'Tenterden' },
      },
    };
  });
});

describe('GET /reviews/due', () => {
  it('lists the approvals due on or before the date, soonest first, with what each installation is', async () => {
    const res = await call({ before: '2027-06-01' });

    expect(res.status).toBe(200);
    expect(res.body.before).toBe('2027-06-01');
    expect(res.body.items.map((i: { decisionId: string }) => i.decisionId)).toEqual([
      'DEC-000003',
      'DEC-000001',
      'DEC-000005',
    ]);
    expect(res.body.items[0]).toEqual({
      reviewDate: '2027-03-01',
      decisionId: 'DEC-000003',
      proposalId: 'p-3',
      reference: 'DPIA-2026-0003',
      title: 'ANPR camera p-3',
      cameraType: 'ANPR',
      publicArea: 'Tenterden',
      decidedBy: 'approver@police.example',
      decidedAt: '2026-12-03T10:00:00.000Z',
      conditions: 'Signage at both ends',
    });
    expect(res.body.nextCursor).toBeNull();
    const [query] = ddb.commandCalls(QueryCommand);
    expect(query?.args[0].input.IndexName).toBe('GSI2');
  });

  it('never lists a rejection, and nothing when nothing is due yet', async () => {
    expect((await call({ before: '2099-01-01' })).body.items).toHaveLength(4);
    expect((await call({ before: '2027-02-28' })).body.items).toEqual([]);
  });

  it('pages with the cursor it hands out', async () => {
    const first = await call({ before: '2099-01-01', limit: '3' });
    expect(first.body.items).toHaveLength(3);
    const second = await call({ before: '2099-01-01', limit: '3', cursor: first.body.nextCursor });
    expect(second.body.items.map((i: { decisionId: string }) => i.decisionId)).toEqual(['DEC-000004']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('takes today when no date is given', async () => {
    const res = await call(undefined);
    expect(res.status).toBe(200);
    expect(res.body.before).toBe(new Date().toISOString().slice(0, 10));
  });

  it('lets managers and auditors in, and nobody else', async () => {
    expect((await call({ before: '2027-06-01' }, 'manager')).status).toBe(200);
    expect((await call({ before: '2027-06-01' }, null)).status).toBe(401);
  });

  it.each([
    ['a date that is not a date', { before: 'next year' }],
    ['an unknown parameter', { before: '2027-06-01', status: 'approved' }],
    ['a limit of 0', { limit: '0' }],
    ['a forged cursor', { cursor: Buffer.from('{"PK":"x"}').toString('base64url') }],
  ])('answers 400 to %s without reading anything', async (_case, query) => {
    const res = await call(query);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('ValidationError');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});
