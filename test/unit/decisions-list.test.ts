// GET /decisions and GET /decisions/{decisionId}: roles, query validation, date and outcome
// filters, cursor paging (with DynamoDB's Limit-before-filter behaviour) and the CSV export,
// against an in-memory stand-in for the by-date index behind a mocked DynamoDB client.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as getHandler } from '../../functions/decisions/get.handler.js';
import { handler as listHandler } from '../../functions/decisions/list.handler.js';
import { sealDecision } from '../../functions/shared/chain.js';
import type { HttpResult } from '../../functions/shared/http.js';
import { decisionIdFor, decisionIndexKeys, decisionKey } from '../../functions/shared/keys.js';
import { type DecisionRecord, GENESIS_HASH } from '../../functions/shared/model/decision.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { httpEvent } from '../support/events.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();

/** RFC 4180 as csv-stringify writes it: quoted fields may hold commas, quotes ("") and newlines. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      endField();
    } else if (!quoted && c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (quoted || c !== '\r') {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  const [header = [], ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

/** Seven decisions, one a day from 1 December 2026; even sequences are rejections. */
const records: DecisionRecord[] = [];
for (let n = 1; n <= 7; n++) {
  const outcome = n % 2 === 0 ? 'rejected' : 'approved';
  records.push(
    sealDecision({
      decisionId: decisionIdFor(n),
      proposalId: `p-${n}`,
      reference: `DPIA-2026-${String(n).padStart(4, '0')}`,
      outcome,
      rationale:
        n === 3 ? 'Approved, "with care", on balance;\nsee the conditions.' : 'A rationale long enough.',
      conditions: n === 3 ? 'Signage at both ends' : null,
      decidedBy: 'approver@police.example',
      decidedAt: new Date(Date.UTC(2026, 11, n, 10)).toISOString(),
      reviewDate: outcome === 'approved' ? '2027-12-01' : null,
      pressingNeed: { score: 60 + n, band: 'clear', policyVersion: '2026.1' },
      consultation: {
        mailed: 5,
        responded: 4,
        late: n % 3,
        tally: { support: 2, concerns: 1, object: 1, unclassified: 0 },
      },
      sequence: n,
      prevHash: records[n - 2]?.hash ?? GENESIS_HASH,
    }),
  );
}
const items = records.map((r) => ({
  ...decisionKey(r.sequence),
  ...decisionIndexKeys(r),
  type: 'decision',
  ...r,
}));

/** The by-date index as DynamoDB serves it: Limit counts items read, before the filter. */
function queryIndex(input: {
  KeyConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, string>;
  FilterExpression?: string;
  Limit: number;
  ExclusiveStartKey?: { GSI1SK: string };
}) {
  const v = input.ExpressionAttributeValues;
  // Like DynamoDB, refuse a name or value that no expression uses.
  const used = `${input.KeyConditionExpression} ${input.FilterExpression ?? ''}`;
  for (const token of [...Object.keys(input.ExpressionAttributeNames), ...Object.keys(v)]) {
    if (!new RegExp(`${token}\\b`).test(used)) {
      throw Object.assign(new Error(`unused in expressions: ${token}`), { name: 'ValidationException' });
    }
  }
  const ordered = items
    .filter(
      (i) =>
        (v[':from'] === undefined || i.GSI1SK >= v[':from']) &&
        (v[':to'] === undefined || i.GSI1SK <= v[':to']),
    )
    .sort((a, b) => b.GSI1SK.localeCompare(a.GSI1SK));
  const start = input.ExclusiveStartKey
    ? ordered.findIndex((i) => i.GSI1SK === input.ExclusiveStartKey?.GSI1SK) + 1
    : 0;
  const read = ordered.slice(start, start + input.Limit);
  const last = read.at(-1);
  return {
    Items: input.FilterExpression ? read.filter((i) => i.outcome === v[':outcome']) : read,
    ...(read.length === input.Limit && last
      ? { LastEvaluatedKey: { PK: last.PK, SK: last.SK, GSI1PK: last.GSI1PK, GSI1SK: last.GSI1SK } }
      : {}),
  };
}

function event(
  path: string,
  options: {
    role?: 'manager' | 'auditor' | null | undefined;
    query?: Record<string, string>;
    accept?: string;
  } = {},
) {
  const decisionId = path.startsWith('/decisions/') ? path.split('/')[2] : undefined;
  return httpEvent({
    path,
    role: options.role === undefined ? 'auditor' : options.role,
    ...(options.query ? { query: options.query } : {}),
    ...(options.accept ? { headers: { accept: options.accept } } : {}),
    ...(decisionId !== undefined ? { pathParameters: { decisionId } } : {}),
  });
}

type Result = HttpResult & { body: string; headers: Record<string, string> };
const list = async (options: Parameters<typeof event>[1] = {}) =>
  (await listHandler(event('/decisions', options), {} as Context)) as Result;
const ids = (res: Result) => (JSON.parse(res.body).items as DecisionRecord[]).map((d) => d.sequence);

unitEnv();
beforeEach(() => {
  ddb.reset();
  ddb.on(QueryCommand).callsFake(queryIndex);
  ddb.on(GetCommand).callsFake((input) => ({ Item: items.find((i) => i.SK === input.Key.SK) }));
});

describe('GET /decisions', () => {
  it('lists decisions newest first, as the chain keeps them, without table attributes', async () => {
    const res = await list();
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.items.map((d: DecisionRecord) => d.sequence)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(body.items[0]).toEqual(records[6]);
    expect(body.nextCursor).toBeNull();
    const query = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({ IndexName: 'GSI1', ScanIndexForward: false, Limit: 50 });
  });

  it('pages with an opaque cursor until the list ends', async () => {
    const first = await list({ query: { limit: '3' } });
    expect(ids(first)).toEqual([7, 6, 5]);
    const cursor = JSON.parse(first.body).nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await list({ query: { limit: '3', cursor } });
    expect(ids(second)).toEqual([4, 3, 2]);
    const third = await list({ query: { limit: '3', cursor: JSON.parse(second.body).nextCursor } });
    expect(ids(third)).toEqual([1]);
    expect(JSON.parse(third.body).nextCursor).toBeNull();
  });

  it('fills each page of a filtered list, reading on past short pages, and resumes after the last item', async () => {
    // Force one-item reads so the filter leaves pages short: the store has to keep reading.
    ddb.on(QueryCommand).callsFake((input) => queryIndex({ ...input, Limit: 1 }));
    const first = await list({ query: { outcome: 'approved', limit: '2' } });
    expect(ids(first)).toEqual([7, 5]);
    const rest = await list({
      query: { outcome: 'approved', limit: '2', cursor: JSON.parse(first.body).nextCursor },
    });
    expect(ids(rest)).toEqual([3, 1]);
    const rejected = await list({ query: { outcome: 'rejected' } });
    expect(ids(rejected)).toEqual([6, 4, 2]);
    expect(JSON.parse(rejected.body).nextCursor).toBeNull();
  });

  it('filters by date: a date alone covers its whole day, a date-time is exact', async () => {
    expect(ids(await list({ query: { from: '2026-12-03', to: '2026-12-05' } }))).toEqual([5, 4, 3]);
    expect(ids(await list({ query: { from: '2026-12-06' } }))).toEqual([7, 6]);
    expect(ids(await list({ query: { to: '2026-12-02' } }))).toEqual([2, 1]);
    expect(
      ids(await list({ query: { from: '2026-12-03T10:00:00Z', to: '2026-12-04T11:00:00+01:00' } })),
    ).toEqual([4, 3]);
  });

  it.each([
    ['a bad date', { from: '2026-13-45' }, 'from'],
    ['a date-time without a zone', { to: '2026-12-01T10:00:00' }, 'to'],
    ['from after to', { from: '2026-12-05', to: '2026-12-01' }, 'from'],
    ['an unknown outcome', { outcome: 'maybe' }, 'outcome'],
    ['a limit of 0', { limit: '0' }, 'limit'],
    ['a limit over 200', { limit: '201' }, 'limit'],
    ['a limit that is not a number', { limit: 'ten' }, 'limit'],
    [
      'a forged cursor',
      { cursor: Buffer.from('{"PK":"PROPOSAL#x","SK":"META"}').toString('base64url') },
      'cursor',
    ],
    ['an unknown parameter', { outcom: 'approved' }, '(root)'],
  ])('answers 400 to %s, naming the parameter', async (_case, query, path) => {
    const res = await list({ query });
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body);
    expect(body.error).toBe('ValidationError');
    expect(body.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it('exports CSV with a header row of the flat fields, on format=csv or Accept: text/csv', async () => {
    for (const res of [await list({ query: { format: 'csv' } }), await list({ accept: 'text/csv' })]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const rows = parseCsv(res.body);
      expect(Object.keys(rows[0] ?? {})).toEqual([
        'sequence',
        'decisionId',
        'proposalId',
        'reference',
        'outcome',
        'decidedBy',
        'decidedAt',
        'reviewDate',
        'rationale',
        'conditions',
        'score',
        'band',
        'policyVersion',
        'mailed',
        'responded',
        'late',
        'support',
        'concerns',
        'object',
        'unclassified',
        'prevHash',
        'hash',
      ]);
      expect(rows).toHaveLength(7);
      const third = rows.find((r) => r.decisionId === 'DEC-000003');
      expect(third).toMatchObject({
        rationale: 'Approved, "with care", on balance;\nsee the conditions.',
        conditions: 'Signage at both ends',
        score: '63',
        hash: records[2]?.hash,
      });
      expect(rows.find((r) => r.decisionId === 'DEC-000002')).toMatchObject({
        reviewDate: '',
        conditions: '',
      });
    }
  });

  it('neutralises cells a spreadsheet would run as formulas (= + - @ tab CR), keeping the text', async () => {
    const { decisionsCsv } = await import('../../functions/decisions/list.handler.js');
    const base = records[2] as DecisionRecord;
    const risky = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
    const rows = parseCsv(
      decisionsCsv(risky.map((rationale) => ({ ...base, rationale, conditions: rationale }))),
    );
    expect(rows.map((r) => r.rationale)).toEqual(risky.map((r) => `'${r}`));
    expect(rows.map((r) => r.conditions)).toEqual(risky.map((r) => `'${r}`));
    expect(rows[0]?.score).toBe('63'); // numbers stay numbers
  });

  it('gives JSON when format=json asks for it, whatever the Accept header', async () => {
    const res = await list({ query: { format: 'json' }, accept: 'text/csv' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('puts the next cursor of a CSV page in a header', async () => {
    const res = await list({ query: { format: 'csv', limit: '2' } });
    expect(res.headers['x-next-cursor']).toEqual(expect.any(String));
  });

  it('answers 401 without a token and 403 to a manager, reading nothing', async () => {
    expect((await list({ role: null })).statusCode).toBe(401);
    expect((await list({ role: 'manager' })).statusCode).toBe(403);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('GET /decisions/{decisionId}', () => {
  const get = async (id: string, role?: 'manager' | 'auditor' | null) =>
    (await getHandler(event(`/decisions/${id}`, { role }), {} as Context)) as Result;

  it('returns one decision record exactly as SPEC §6 shapes it', async () => {
    const res = await get('DEC-000004');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual(records[3]);
  });

  it('answers 404 to an unknown or malformed id', async () => {
    expect((await get('DEC-000099')).statusCode).toBe(404);
    expect((await get('nope')).statusCode).toBe(404);
  });

  it('answers 401 without a token and 403 to a manager', async () => {
    expect((await get('DEC-000001', null)).statusCode).toBe(401);
    expect((await get('DEC-000001', 'manager')).statusCode).toBe(403);
  });
});
