import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerItem } from '../../functions/register/entry.js';
import type { RegisterRow } from '../../functions/register/rows.js';
import { CAMERA_TYPES } from '../../functions/shared/model/proposal.js';
import { runDpia } from '../support/cli.js';
import { putItems } from '../support/register.js';
import {
  answerLetter,
  insufficientInput,
  proposalInput,
  type TestStack,
  useTestStack,
} from '../support/stack.js';

const PLANTED = {
  site: 'Wheelwright Alley lamp column ZX-4471',
  latitude: '51.123457',
  longitude: '0.765431',
  consultee: 'Cllr Peregrine Thistlewood',
  consulteeEmail: 'peregrine.thistlewood@planted-parish.example',
  secondConsultee: 'Mrs Ottilie Quarrendon',
  secondEmail: 'o.quarrendon@planted-parish.example',
  approver: 'Ch Supt Wilhelmina Oddfellow',
  approverEmail: 'w.oddfellow@planted-police.example',
  dpo: 'Dr Caspian Mottram',
  dpoEmail: 'c.mottram@planted-police.example',
  comment: 'overheard at the Grimsdyke allotment committee',
};
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.]+/;
const SEEDED = 1_000;
const OWNER = 'Deputy Head of the Serious Crime Directorate (Chief Superintendent)';

let t: TestStack;
const ref: Record<'approved' | 'noOwner' | 'rejected' | 'withdrawn' | 'insufficient' | 'expired', string> = {
  approved: '',
  noOwner: '',
  rejected: '',
  withdrawn: '',
  insufficient: '',
  expired: '',
};

/** A proposal with the planted strings in every restricted field (and its title and evidence). */
function plantedInput(tag: string, options: { dpo?: boolean; consultees?: 1 | 2 } = {}) {
  const input = proposalInput({ consultees: options.consultees ?? 1, tag, dpo: options.dpo ?? false });
  input.title = `ANPR at ${PLANTED.site}`;
  input.site = { description: PLANTED.site, latitude: 51.123457, longitude: 0.765431 };
  const justification = input.justification as Record<string, { rating: number; evidence?: string }>;
  for (const factor of Object.values(justification)) {
    if (factor.rating > 0)
      factor.evidence = `Seen at ${PLANTED.site} (${PLANTED.latitude}, ${PLANTED.longitude}) by ${PLANTED.consultee}.`;
  }
  input.consultees = [
    { name: PLANTED.consultee, email: PLANTED.consulteeEmail, organisation: 'Tenterden Town Council' },
    { name: PLANTED.secondConsultee, email: PLANTED.secondEmail },
  ].slice(0, options.consultees ?? 1);
  input.approver = { name: PLANTED.approver, email: PLANTED.approverEmail };
  if (options.dpo) input.dpo = { name: PLANTED.dpo, email: PLANTED.dpoEmail };
  Object.assign(input, {
    alternativesConsidered: `Patrols along ${PLANTED.site}, suggested by ${PLANTED.consulteeEmail}.`,
  });
  return input;
}

function withoutOwner<T extends Record<string, unknown>>(input: T): T {
  delete input.owner;
  return input;
}

async function open(input: Record<string, unknown>): Promise<{ proposalId: string; reference: string }> {
  return await t.client.openProposal(input);
}

/** Every consultee replies (the planted comment), the DPO advises if named, the approver decides. */
async function decide(
  input: ReturnType<typeof plantedInput>,
  outcome: 'approved' | 'rejected' | null,
): Promise<{ proposalId: string; reference: string }> {
  const created = await open(input);
  const { proposalId, reference } = created;
  await t.client.waitForStatus(proposalId, ['consulting']);
  for (const c of input.consultees) {
    await answerLetter(
      t.client,
      c.email,
      reference,
      'SUPPORT',
      `${c.name} here, ${PLANTED.comment}, near ${PLANTED.site}.`,
    );
  }
  if (input.dpo) {
    await t.client.waitForStatus(proposalId, ['awaiting-dpo-advice']);
    const link = new URL(await t.client.waitForAdviceLink(PLANTED.dpoEmail, reference), t.client.apiUrl);
    const advised = await t.client.postSignedForm(link, {
      recommendation: 'proceed',
      advice: `Proportionate. ${PLANTED.dpo}, ${PLANTED.dpoEmail}.`,
    });
    expect(advised.status).toBe(200);
  }
  // A proposal left undecided may already have run out of time.
  await t.client.waitForStatus(
    proposalId,
    outcome === null ? ['awaiting-approval', 'expired'] : ['awaiting-approval'],
  );
  const link = new URL(await t.client.waitForReviewLink(PLANTED.approverEmail, reference), t.client.apiUrl);
  if (outcome === null) return created;
  const decided = await t.client.postSignedForm(link, {
    outcome,
    rationale: `Decided by ${PLANTED.approver} (${PLANTED.approverEmail}) after ${PLANTED.consultee} wrote about ${PLANTED.site}.`,
    // Issue 19: a decision against a consultee's view gives reasons that address it.
    consulteeResponse:
      'The objection and concerns are met by the 90-day access limit, the annual review and not disclosing the site.',
    conditions: `Signage at ${PLANTED.site} before go-live.`,
    // Issue 19: each condition has an owner (some proposals here name no accountable owner).
    conditionsOwner: 'Head of ANPR (Superintendent)',
    ...(input.dpo ? { dpoAdvice: 'accepted' } : {}),
  });
  expect(decided.status, decided.text).toBe(200);
  await t.client.waitForStatus(proposalId, [outcome]);
  return created;
}

const AREAS = [
  'Ashford',
  'Canterbury',
  'Dover',
  'Faversham',
  'Folkestone',
  'Maidstone',
  'Margate',
  'Sevenoaks',
];

/** Entry n of the 1,000 written straight into the table, as RecordDecision writes them. */
function seeded(n: number) {
  const approvedAt = new Date(Date.parse('2025-01-01T09:00:00Z') + n * 3_600_000).toISOString();
  return registerItem({
    reference: `DPIA-2025-${String(n).padStart(4, '0')}`,
    proposalId: `seeded-${n}`,
    decisionId: `DEC-9${String(n).padStart(5, '0')}`,
    cameraType: CAMERA_TYPES[n % CAMERA_TYPES.length] ?? 'OTHER',
    purpose: 'Records a public space to help prevent and detect crime and keep people safe.',
    publicArea: AREAS[n % AREAS.length] ?? 'Ashford',
    ownerRole: n % 4 === 0 ? null : 'Head of Tactical Operations (Superintendent)',
    approvedAt,
    approvedOn: approvedAt.slice(0, 10),
    lastReviewedOn: approvedAt.slice(0, 10),
    nextReviewOn: `2027-${String((n % 12) + 1).padStart(2, '0')}-01`,
  });
}

const seedRegister = () => putItems(Array.from({ length: SEEDED }, (_, i) => seeded(i + 1)));

async function publicGet(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.client.apiUrl}${path}`, { headers });
  return { response, text: await response.text() };
}

/** Every page of a format, following its own next link or cursor, with the rows' references. */
async function walk(format: 'json' | 'csv' | 'html', query = '', limit = 200) {
  const references: string[] = [];
  let pages = 0;
  let path: string | null = `/register${format === 'html' ? '' : `.${format}`}?limit=${limit}${query}`;
  while (path) {
    const { response, text } = await publicGet(path);
    expect(response.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
    pages++;
    if (format === 'json') {
      const page = JSON.parse(text) as { items: RegisterRow[]; nextCursor: string | null };
      references.push(...page.items.map((r) => r.reference));
      path = page.nextCursor
        ? `/register.json?limit=${limit}${query}&cursor=${encodeURIComponent(page.nextCursor)}`
        : null;
    } else if (format === 'csv') {
      const [, ...rows] = parse(text.replace(/^\uFEFF/, '')) as string[][];
      references.push(...rows.map((r) => r[0] ?? ''));
      const next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      path = next ? new URL(next, t.client.apiUrl).pathname + new URL(next, t.client.apiUrl).search : null;
    } else {
      const page = unescapeHtml(text);
      references.push(
        ...[...page.matchAll(/href="\/register\/(DPIA-[\d-]+)\/dpia"/g)].map((m) => m[1] ?? ''),
      );
      path = /<a href="([^"]+)" rel="next">/.exec(page)?.[1] ?? null;
    }
  }
  return { references, pages };
}

/** What a browser reads in an href: the template escapes `/`, `=` and `&`. */
const unescapeHtml = (html: string): string =>
  html
    .replace(/&#x2F;/g, '/')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');

useTestStack(async (stack) => {
  t = stack;
  const [approved, noOwner, rejected, withdrawn, insufficient] = await Promise.all([
    decide(
      Object.assign(plantedInput('reg-a', { dpo: true, consultees: 2 }), { owner: { role: OWNER } }),
      'approved',
    ),
    decide(
      Object.assign(withoutOwner(plantedInput('reg-b')), {
        cameraType: 'CCTV',
        publicArea: 'Hawkhurst',
        title: `CCTV at ${PLANTED.site}`,
      }),
      'approved',
    ),
    decide(plantedInput('reg-c'), 'rejected'),
    (async () => {
      const created = await open(plantedInput('reg-d'));
      await t.client.waitForStatus(created.proposalId, ['consulting']);
      expect(
        (await t.client.api('manager', 'POST', `/proposals/${created.proposalId}/withdraw`)).status,
      ).toBe(200);
      await t.client.waitForStatus(created.proposalId, ['withdrawn']);
      return created;
    })(),
    (async () => {
      const created = await open(insufficientInput());
      await t.client.waitForStatus(created.proposalId, ['rejected']);
      return created;
    })(),
  ]);
  // Only this proposal's approval may time out: a short timeout while it alone is awaiting approval.
  process.env.DPIA_APPROVAL_TIMEOUT_DAYS = String(2 / 86_400);
  try {
    const expired = await decide(plantedInput('reg-f'), null);
    await t.client.waitForStatus(expired.proposalId, ['expired']);
    ref.expired = expired.reference;
  } finally {
    delete process.env.DPIA_APPROVAL_TIMEOUT_DAYS;
  }
  Object.assign(ref, {
    approved: approved.reference,
    noOwner: noOwner.reference,
    rejected: rejected.reference,
    withdrawn: withdrawn.reference,
    insufficient: insufficient.reference,
  });
}, 180_000);

describe('the register of the real lifecycle', () => {
  it('lists the approved installations with the seed register columns, owner or "Not recorded"', async () => {
    const { text } = await publicGet('/register.json');
    const rows = (JSON.parse(text) as { items: RegisterRow[] }).items;
    expect(rows.map((r) => r.reference)).toEqual([ref.approved, ref.noOwner]);
    expect(rows[0]).toMatchObject({
      cameraType: 'ANPR',
      publicArea: 'Tenterden',
      accountableOwner: OWNER,
      purpose: expect.stringMatching(
        /^Reads vehicle registration numbers.*Pressing need: serious and organised crime/,
      ),
      approvedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      nextReview: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      dpiaUrl: `${t.client.apiUrl}/register/${ref.approved}/dpia`,
    });
    expect(rows[0]?.lastReview).toBe(rows[0]?.approvedOn);
    expect(rows[1]).toMatchObject({
      cameraType: 'CCTV',
      publicArea: 'Hawkhurst',
      accountableOwner: 'Not recorded',
    });
  });

  it('never lists a rejected, withdrawn, insufficient or expired proposal, in any format', async () => {
    for (const path of ['/register', '/register.csv', '/register.json']) {
      const { text } = await publicGet(path);
      expect(text).toContain(ref.approved);
      for (const absent of [ref.rejected, ref.withdrawn, ref.insufficient, ref.expired]) {
        expect(text, `${path} lists ${absent}`).not.toContain(absent);
      }
    }
  });

  it('shows no site, coordinates, name, comment or e-mail address anywhere, in any format', async () => {
    for (const path of [
      '/register',
      '/register.csv',
      '/register.json',
      '/register?type=ANPR&area=tenterden',
    ]) {
      const { response, text } = await publicGet(path);
      expect(response.status).toBe(200);
      for (const [what, value] of Object.entries(PLANTED))
        expect(text, `${path}: ${what}`).not.toContain(value);
      expect(text, path).not.toMatch(EMAIL);
    }
  });

  it("links each entry to the public edition of its DPIA, which leaks nothing, and only a listed one's", async () => {
    const { response, text } = await publicGet(`/register/${ref.approved}/dpia`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(text).toContain('Public edition');
    expect(text).toContain(ref.approved);
    expect(text).toContain('Step 7: Sign off and record outcomes');
    for (const [what, value] of Object.entries(PLANTED)) expect(text, what).not.toContain(value);
    expect(text).not.toMatch(EMAIL);
    for (const absent of [
      ref.rejected,
      ref.withdrawn,
      ref.insufficient,
      ref.expired,
      'DPIA-2099-0001',
      'not-a-reference',
    ]) {
      const refused = await publicGet(`/register/${absent}/dpia`);
      expect(refused.response.status, absent).toBe(404);
      expect(refused.response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(refused.text).toContain('Not on the register');
    }
  });

  it('is public and cacheable: no cookie, Cache-Control, a strong ETag, and 304 for a fresh copy', async () => {
    for (const path of ['/register', '/register.csv', '/register.json', `/register/${ref.approved}/dpia`]) {
      const { response, text } = await publicGet(path, { cookie: 'dpia_session=whatever' });
      expect(response.status, path).toBe(200);
      expect(response.headers.getSetCookie(), path).toEqual([]);
      expect(response.headers.get('cache-control'), path).toBe('public, max-age=300');
      const etag = response.headers.get('etag') ?? '';
      expect(etag, path).toMatch(/^"[^"]+"$/);
      const again = await publicGet(path, { 'if-none-match': etag });
      expect(again.response.status, path).toBe(304);
      expect(again.text).toBe('');
      expect(again.response.headers.getSetCookie()).toEqual([]);
      expect((await publicGet(path, { 'if-none-match': '"stale"' })).text).toBe(text);
    }
  });

  it('refuses bad filters: 400 as JSON for the data, as a page for people, never cached', async () => {
    for (const [query, field] of [
      ['type=LASER', 'type'],
      ['limit=0', 'limit'],
      ['limit=500', 'limit'],
      ['cursor=forged', 'cursor'],
      ['area=x', 'area'],
    ] as const) {
      for (const path of ['/register.json', '/register.csv']) {
        const { response, text } = await publicGet(`${path}?${query}`);
        expect(response.status, `${path}?${query}`).toBe(400);
        expect(JSON.parse(text)).toMatchObject({ error: 'ValidationError', issues: [{ path: field }] });
        expect(response.headers.get('cache-control')).toBe('no-store');
      }
      const page = await publicGet(`/register?${query}`);
      expect(page.response.status).toBe(400);
      expect(page.response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.text).toContain('Something is wrong with this address');
    }
  });

  it('gives a spreadsheet UTF-8 with a byte-order mark, a header row and ISO dates', async () => {
    const response = await fetch(`${t.client.apiUrl}/register.csv`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    // Bytes, not text: a text decoder takes the byte-order mark away, as a spreadsheet would.
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, first] = parse(bytes.subarray(3).toString('utf8')) as string[][];
    expect(header?.slice(0, 5)).toEqual([
      'reference',
      'cameraType',
      'purpose',
      'publicArea',
      'accountableOwner',
    ]);
    expect(first?.slice(5, 8).every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
  });

  it('prints the register from the command line, filtered, as a table, CSV and JSON', async () => {
    const table = await dpia('register');
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Automatic Number Plate Recognition (ANPR)');
    expect(table.stdout).toContain(OWNER);
    expect(table.stdout).toContain('2 approved installations.');
    const csv = await dpia('register', '--format', 'csv', '--type', 'cctv', '--area', 'HAWKHURST');
    expect(csv.code, csv.stderr).toBe(0);
    const rows = parse(csv.stdout.replace(/^\uFEFF/, '')) as string[][];
    expect(rows.map((r) => r[0])).toEqual(['reference', ref.noOwner]);
    const bad = await dpia('register', '--type', 'laser');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^type: type must be one of ANPR/);
  });
});

describe('a register of a thousand approvals', () => {
  let all: string[] = [];
  beforeAll(async () => {
    await seedRegister();
    all = (await walk('json')).references;
  }, 120_000);

  it('pages through every entry once, in register order: camera type, public area, approval', async () => {
    expect(all).toHaveLength(SEEDED + 2);
    expect(new Set(all).size).toBe(all.length);
    const { text } = await publicGet('/register.json?limit=200');
    const first = (JSON.parse(text) as { items: RegisterRow[] }).items;
    const keys = first.map((r) => `${r.cameraType}#${r.publicArea.toLowerCase()}#${r.approvedOn}`);
    expect(keys).toEqual([...keys].sort());
    expect(first[0]?.cameraType).toBe('ANPR');
  });

  it('gives the same rows on the same pages as HTML, CSV and JSON', async () => {
    const csv = await walk('csv');
    const html = await walk('html');
    expect(csv.references).toEqual(all);
    expect(html.references).toEqual(all);
    expect(csv.pages).toBe(Math.ceil((SEEDED + 2) / 200));
    expect(html.pages).toBe(csv.pages);
  });

  it('filters by public area (any case) and by camera type, each paged to its end', async () => {
    const json = async (q: string) => (await walk('json', q, 50)).references;
    const seededOf = (match: (n: number) => boolean) =>
      Array.from({ length: SEEDED }, (_, i) => i + 1).filter(match).length;
    const cctv = await json('&type=CCTV');
    expect(cctv.length).toBe(seededOf((n) => CAMERA_TYPES[n % CAMERA_TYPES.length] === 'CCTV') + 1);
    expect(cctv).toContain(ref.noOwner);
    const dover = await json('&area=dover');
    expect(dover).toHaveLength(seededOf((n) => AREAS[n % AREAS.length] === 'Dover'));
    expect(dover.every((r) => Number(r.slice(-4)) % AREAS.length === 2)).toBe(true);
    const both = await json('&area=Dover&type=SPEED');
    expect(both).toEqual(
      dover.filter((r) => CAMERA_TYPES[Number(r.slice(-4)) % CAMERA_TYPES.length] === 'SPEED'),
    );
    expect((await walk('html', '&area=Dover&type=SPEED', 50)).references).toEqual(both);
  });

  it('groups the page under one heading per camera type, with a next-page link', async () => {
    const { text } = await publicGet('/register?limit=200');
    const headings = [...text.matchAll(/<h2 class="camera-type" id="[^"]+">([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(headings[0]).toBe('Automatic Number Plate Recognition (ANPR)');
    expect(new Set(headings).size).toBe(headings.length);
    expect(text).toMatch(/rel="next">Next page<\/a>/);
    expect(text).not.toMatch(/<script/i);
  });
});

const dpia = (...args: string[]) => runDpia(t.stack.config, args);
