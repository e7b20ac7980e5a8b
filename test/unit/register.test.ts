// The public register (SPEC 11) from plain data: what an entry publishes (purpose from structured
// data, the owner's post, UK dates), the rows and the CSV a spreadsheet opens, the query rules,
// caching, the page's grouping, and that a page is one Query on a register index, never a Scan.
import { QueryCommand, type QueryCommandInput, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { NOT_RECORDED } from '../../functions/dpia/words.js';
import { cacheable } from '../../functions/register/cache.js';
import {
  publishableRole,
  purposeOf,
  type RegisterEntry,
  registerEntry,
  registerItem,
} from '../../functions/register/entry.js';
import { parseRegisterQuery } from '../../functions/register/public.js';
import { registerView } from '../../functions/register/register.handler.js';
import { registerCsv, registerRow } from '../../functions/register/rows.js';
import { listRegister } from '../../functions/register/store.js';
import { ValidationError } from '../../functions/shared/errors.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import { ukDay } from '../../functions/shared/uk-dates.js';
import { parseProposalForm, proposalFormView } from '../../functions/web/proposal-form.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { httpEvent } from '../support/events.js';
import { exampleInput } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

const decision = {
  decisionId: 'DEC-000007',
  decidedAt: '2026-06-30T23:30:00.000Z',
  reviewDate: '2027-06-30',
};

function entry(overrides: Partial<RegisterEntry> = {}): RegisterEntry {
  return {
    ...registerEntry({ proposalId: 'p-1', reference: 'DPIA-2026-0001', input: exampleInput() }, decision),
    ...overrides,
  };
}

describe('a register entry', () => {
  it('says what the camera does and which pressing-need factors justified it, strongest first', () => {
    const input = exampleInput();
    expect(purposeOf(input)).toBe(
      'Reads vehicle registration numbers and checks them against records of vehicles of interest to the police. Pressing need: serious and organised crime; local crime; community confidence and crime prevention.',
    );
    input.justification.seriousCrime.rating = 2;
    input.justification.localCrime.rating = 1;
    input.justification.communityConfidence.rating = 1;
    // Nothing rated 3 or more: the strongest factors are named.
    expect(purposeOf(input)).toMatch(
      /Pressing need: national security and counter terrorism; serious and organised crime\.$/,
    );
  });

  it('never takes the purpose from free text: the title, the site and the evidence stay out', () => {
    const input = exampleInput();
    input.title = 'ANPR on Quarry Lane lamp column QX-7734';
    input.justification.seriousCrime.evidence =
      'Burglaries near Quarry Lane lamp column QX-7734 and 51.123457';
    const published = JSON.stringify(
      registerEntry({ proposalId: 'p', reference: 'DPIA-2026-0002', input }, decision),
    );
    expect(published).not.toContain('QX-7734');
    expect(published).not.toContain('51.123457');
    expect(published).not.toContain(input.site.description);
  });

  it("publishes the owner's post, and 'Not recorded' when the proposal names none", () => {
    expect(registerRow(entry()).accountableOwner).toBe(
      'Deputy Head of the Serious Crime Directorate (Chief Superintendent)',
    );
    const input = exampleInput();
    delete input.owner;
    expect(
      registerRow(registerEntry({ proposalId: 'p', reference: 'DPIA-2026-0003', input }, decision))
        .accountableOwner,
    ).toBe(NOT_RECORDED);
  });

  it('leaves out a role that mentions a consultee, the site or an address rather than publish it', () => {
    const input = exampleInput();
    const consultee = input.consultees[0]?.name ?? '';
    input.owner = { role: `Liaison for ${consultee}` };
    expect(publishableRole(input)).toBeNull();
    input.owner = { role: `Inspector at ${input.site.description}` };
    expect(publishableRole(input)).toBeNull();
    input.owner = { role: 'Head of Roads Policing (Superintendent)' };
    expect(publishableRole(input)).toBe('Head of Roads Policing (Superintendent)');
  });

  it('dates the approval by the UK calendar, and the last review is the approval until a review', () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    expect(ukDay('2026-06-30T23:30:00.000Z')).toBe('2026-07-01');
    expect(ukDay('2026-12-31T23:30:00.000Z')).toBe('2026-12-31');
    expect(entry()).toMatchObject({
      approvedOn: '2026-07-01',
      lastReviewedOn: '2026-07-01',
      nextReviewOn: '2027-06-30',
    });
  });

  it('sorts by camera type, then public area (any case), then approval', () => {
    const keys = [
      entry({
        cameraType: 'CCTV',
        publicArea: 'Ashford',
        approvedAt: '2026-01-01T00:00:00.000Z',
        reference: 'DPIA-2026-0004',
      }),
      entry({
        cameraType: 'ANPR',
        publicArea: 'tenterden',
        approvedAt: '2026-03-01T00:00:00.000Z',
        reference: 'DPIA-2026-0005',
      }),
      entry({
        cameraType: 'ANPR',
        publicArea: 'Tenterden',
        approvedAt: '2026-02-01T00:00:00.000Z',
        reference: 'DPIA-2026-0006',
      }),
      entry({
        cameraType: 'ANPR',
        publicArea: 'Ashford',
        approvedAt: '2026-05-01T00:00:00.000Z',
        reference: 'DPIA-2026-0007',
      }),
    ].map(registerItem);
    const order = [...keys].sort((a, b) => a.GSI1SK.localeCompare(b.GSI1SK)).map((k) => k.reference);
    expect(order).toEqual(['DPIA-2026-0007', 'DPIA-2026-0006', 'DPIA-2026-0005', 'DPIA-2026-0004']);
    expect(keys[1]?.GSI2PK).toBe(keys[2]?.GSI2PK);
  });
});

describe('the owner in the proposal schema', () => {
  const withOwner = (role: string) => ({ ...exampleInput(), owner: { role } });
  const issues = (role: string) =>
    ProposalInput.safeParse(withOwner(role)).error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

  it('takes a post of 3 to 200 characters on one line', () => {
    expect(issues('Head of Tactical Operations (Chief Superintendent)')).toEqual([]);
    expect(issues('HQ')[0]?.[0]).toBe('owner.role');
    expect(issues('x'.repeat(201))[0]?.[0]).toBe('owner.role');
    expect(issues('Head of Tactical\nOperations')[0]?.[1]).toMatch(/one line/);
  });

  it("refuses an e-mail address or the approver's or DPO's name", () => {
    const input = exampleInput();
    expect(issues('owner@police.example')[0]?.[1]).toMatch(/not an e-mail address/);
    expect(issues(`${input.approver.name}, Chief Superintendent`)[0]?.[1]).toMatch(/not the name/);
    expect(issues(`Office of ${input.dpo?.name}`)[0]?.[1]).toMatch(/not the name/);
  });
});

describe('the owner on the new-proposal form', () => {
  it('sends owner.role when filled, nothing when blank, and puts its error next to the field', () => {
    const role = 'Head of Roads Policing (Superintendent)';
    expect(parseProposalForm(new URLSearchParams({ 'owner.role': role })).raw.owner).toEqual({ role });
    expect(parseProposalForm(new URLSearchParams({ 'owner.role': '  ' })).raw).not.toHaveProperty('owner');
    const view = proposalFormView(
      new URLSearchParams({ 'owner.role': 'x@y.example' }),
      [{ path: 'owner.role', message: 'Give the post, not an e-mail address: the role is published' }],
      [],
    );
    expect(view.ownerRole).toMatchObject({ id: 'f-owner-role', value: 'x@y.example', invalid: true });
    expect(view.errors[0]?.summary).toBe(
      'Accountable owner: Give the post, not an e-mail address: the role is published',
    );
  });
});

describe('the CSV', () => {
  it('opens in Excel as UTF-8 with a header row and ISO dates', () => {
    const text = registerCsv([registerRow(entry({ publicArea: 'Ynys Môn' }), 'https://dpia.example')]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, row] = parse(text.slice(1)) as string[][];
    // Each column in order, beside what this entry's row holds in it.
    const columns: [string, unknown][] = [
      ['reference', 'DPIA-2026-0001'],
      ['cameraType', 'ANPR'],
      ['purpose', expect.stringMatching(/^Reads vehicle/)],
      ['publicArea', 'Ynys Môn'],
      ['accountableOwner', 'Deputy Head of the Serious Crime Directorate (Chief Superintendent)'],
      ['approvedOn', '2026-07-01'],
      ['lastReview', '2026-07-01'],
      ['nextReview', '2027-06-30'],
      ['dpiaUrl', 'https://dpia.example/register/DPIA-2026-0001/dpia'],
    ];
    expect(header).toEqual(columns.map(([name]) => name));
    expect(row).toEqual(columns.map(([, value]) => value));
  });

  it.each([
    ['=HYPERLINK("http://evil.example")'],
    ['+44 1234'],
    ['-2+3'],
    ['@SUM(A1)'],
    ['\tcmd'],
    ['\rcmd'],
  ])('shows a cell that starts like a formula (%j) as text', (area) => {
    const text = registerCsv([registerRow(entry({ publicArea: area, ownerRole: area }))]);
    const [, row] = parse(text.slice(1)) as string[][];
    expect(row?.[3]).toBe(`'${area}`);
    expect(row?.[4]).toBe(`'${area}`);
  });

  it('keeps commas, quotes and line breaks inside one cell', () => {
    const text = registerCsv([registerRow(entry({ purpose: 'Reads plates, "quoted"\nand more' }))]);
    expect((parse(text.slice(1)) as string[][])[1]?.[2]).toBe('Reads plates, "quoted"\nand more');
  });
});

describe('the query', () => {
  const query = (q: Record<string, string>) => parseRegisterQuery(httpEvent({ role: null, query: q }));
  const refused = (q: Record<string, string>) => {
    try {
      query(q);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues.map((i) => i.path);
    }
    return [];
  };

  it('reads blank fields as no filter, a type in any case, and ignores unknown parameters', () => {
    expect(query({ area: '', type: '', utm_source: 'x' })).toEqual({ limit: 50 });
    expect(query({ area: ' Tenterden ', type: 'anpr', limit: '10' })).toEqual({
      area: 'Tenterden',
      type: 'ANPR',
      limit: 10,
    });
  });

  it('refuses an unknown type, a limit out of 1..200 and a one-letter area', () => {
    expect(refused({ type: 'LASER' })).toEqual(['type']);
    expect(refused({ limit: '0' })).toEqual(['limit']);
    expect(refused({ limit: '201' })).toEqual(['limit']);
    expect(refused({ limit: 'ten' })).toEqual(['limit']);
    expect(refused({ area: 'x' })).toEqual(['area']);
  });
});

describe('caching', () => {
  const answer = { statusCode: 200, headers: { 'content-type': 'text/csv' }, body: 'a,b\n' };

  it('marks an answer public for five minutes with a strong ETag of its body', () => {
    const result = cacheable(httpEvent({ role: null }), answer);
    expect(result.headers?.['cache-control']).toBe('public, max-age=300');
    expect(result.headers?.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const other = cacheable(httpEvent({ role: null }), { ...answer, body: 'a,c\n' });
    expect(other.headers?.etag).not.toBe(result.headers?.etag);
  });

  it('answers a matching If-None-Match (strong, weak, in a list, or *) with an empty 304', () => {
    const etag = String(cacheable(httpEvent({ role: null }), answer).headers?.etag);
    for (const given of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const result = cacheable(httpEvent({ role: null, headers: { 'if-none-match': given } }), answer);
      expect(result.statusCode, given).toBe(304);
      expect(result.body).toBe('');
      expect(result.headers?.etag).toBe(etag);
    }
    const stale = cacheable(httpEvent({ role: null, headers: { 'if-none-match': '"other"' } }), answer);
    expect(stale.statusCode).toBe(200);
  });
});

describe('the page view', () => {
  it('groups rows under one heading per camera type and links the next page with the filters', () => {
    const rows = [
      entry({ cameraType: 'ANPR', reference: 'DPIA-2026-0001' }),
      entry({ cameraType: 'ANPR', reference: 'DPIA-2026-0002' }),
      entry({ cameraType: 'CCTV', reference: 'DPIA-2026-0003', nextReviewOn: null }),
    ].map((e) => registerRow(e));
    const view = registerView({ area: 'Tenterden', limit: 3 }, rows, 'CURSOR');
    expect(view.groups.map((g) => [g.heading, g.rows.length])).toEqual([
      ['Automatic Number Plate Recognition (ANPR)', 2],
      ['Closed Circuit Television (CCTV)', 1],
    ]);
    expect(view.groups[0]?.rows[0]).toMatchObject({
      approvedOnText: '1 Jul 2026',
      nextReviewText: '30 Jun 2027',
      dpiaHref: '/register/DPIA-2026-0001/dpia',
    });
    expect(view.groups[1]?.rows[0]?.nextReviewText).toBeNull();
    expect(view.paged).toEqual({
      firstHref: null,
      nextHref: '/register?area=Tenterden&limit=3&cursor=CURSOR',
    });
    expect(view.csvHref).toBe('/register.csv?area=Tenterden&limit=3');
  });
});

describe('reading the register', () => {
  const ddb = mockDocumentClient();
  unitEnv();
  beforeEach(() => {
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [registerItem(entry())] });
  });
  const sent = (): QueryCommandInput => ddb.commandCalls(QueryCommand)[0]?.args[0].input as QueryCommandInput;

  it('is one Query on the whole register (GSI1), or on one area (GSI2), narrowed by type; never a Scan', async () => {
    await listRegister({ limit: 50 });
    expect(sent()).toMatchObject({ IndexName: 'GSI1', KeyConditionExpression: '#pk = :pk', Limit: 51 });
    expect(sent().ExpressionAttributeValues).toEqual({ ':pk': 'REGISTER' });
    ddb.resetHistory();
    await listRegister({ area: '  TENTERDEN ', type: 'ANPR', limit: 10 });
    expect(sent()).toMatchObject({
      IndexName: 'GSI2',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :type)',
      ExpressionAttributeValues: { ':pk': 'REGISTER#AREA#tenterden', ':type': 'ANPR#' },
    });
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it("hands out a cursor only when another page follows, and refuses another filter's cursor", async () => {
    const items = ['0001', '0002', '0003'].map((n) => registerItem(entry({ reference: `DPIA-2026-${n}` })));
    ddb.on(QueryCommand).resolves({ Items: items });
    const page = await listRegister({ limit: 2 });
    expect(page.items.map((i) => i.reference)).toEqual(['DPIA-2026-0001', 'DPIA-2026-0002']);
    expect(page.nextCursor).not.toBeNull();
    ddb.on(QueryCommand).resolves({ Items: items.slice(0, 2) });
    expect((await listRegister({ limit: 2 })).nextCursor).toBeNull();
    await expect(
      listRegister({ limit: 2, type: 'CCTV', cursor: page.nextCursor ?? '' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      listRegister({ limit: 2, area: 'Tenterden', cursor: page.nextCursor ?? '' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(listRegister({ limit: 2, cursor: 'bm90LWpzb24' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('publishes only the entry fields, whatever else an item holds', async () => {
    ddb
      .on(QueryCommand)
      .resolves({ Items: [{ ...registerItem(entry()), site: 'Quarry Lane', approverEmail: 'x@y.example' }] });
    const page = await listRegister({ limit: 5 });
    expect(JSON.stringify(page)).not.toMatch(/Quarry Lane|x@y\.example|GSI1SK/);
  });
});
