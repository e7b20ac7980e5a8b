// Issue 15, the bad-input catalogue (quick form, in npm test): hostile and malformed requests
// across the API, its tokens, the signed links and query strings. Each gets its 4xx in the SPEC
// error shape, and afterwards the stored proposals, the decision chain and the sent mail are
// exactly as before. `npm run soak` runs the same catalogue (the long form adds nothing yet).
// Over 500 lines: a catalogue, one row per hostile case, all checked against one before-and-after.
import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CLIENT_ID, LOCAL_ISSUER, loadSigningKey } from '../../local/jwt.js';
import { answerLetter, proposalInput, startTestStack, type TestStack } from '../support/stack.js';
import { reportSoak } from './summary.js';

let t: TestStack;
let ids: { consulting: string; awaiting: string; withdrawn: string };
let reviewPath: string;
let reviewSig: string;
let tokens: Record<string, string>;

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  auth: 'manager' | 'auditor' | 'none' | keyof typeof TOKEN_KINDS;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  error?: string;
}

const TOKEN_KINDS = {
  garbage: true,
  otherKey: true,
  algNone: true,
  expired: true,
  noGroup: true,
  otherGroup: true,
  otherAudience: true,
} as const;

const base = () => proposalInput({ consultees: 2, tag: 'bad' });
const withField = (path: string, value: unknown) => {
  const input = base() as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target = input;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  target[last] = value;
  return input;
};
const without = (field: string) => {
  const { [field]: _gone, ...rest } = base() as Record<string, unknown>;
  return rest;
};

function catalogue(): Case[] {
  const create = (name: string, body: unknown, status = 400, error = 'ValidationError'): Case => ({
    name,
    method: 'POST',
    path: '/proposals',
    auth: 'manager',
    body,
    status,
    error,
  });
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 500; i++) {
    const next: Record<string, unknown> = {};
    cursor.next = next;
    cursor = next;
  }
  return [
    // Schema edges.
    create('an empty object', {}),
    create('an array', []),
    create('null', null),
    create('a string', 'proposal'),
    create('a number', 42),
    create('malformed JSON', '{"title":'),
    create('JSON with a trailing comma', '{"title":"x",}'),
    create('an unknown top-level field', { ...base(), extra: true }),
    create(
      '__proto__ as a key',
      JSON.parse(`{"__proto__":{"admin":true},${JSON.stringify(base()).slice(1)}`),
    ),
    create('constructor as a key', { ...base(), constructor: { prototype: { x: 1 } } }),
    create('deep nesting', { ...base(), title: deep }),
    create('a missing title', without('title')),
    create('a two-character title', withField('title', 'AB')),
    create('a 201-character title', withField('title', 'x'.repeat(201))),
    create('a title with CRLF', withField('title', 'Camera\r\nBcc: a@b.example')),
    create('a title with NUL', withField('title', 'Camera\u0000')),
    create('a title as a number', withField('title', 12345)),
    create('an unknown camera type', withField('cameraType', 'LASER')),
    create('a camera type in lower case', withField('cameraType', 'anpr')),
    create('a public area with a line break', withField('publicArea', 'Tenter\nden')),
    create('latitude as a string', withField('site.latitude', '51.0686')),
    create('latitude 91', withField('site.latitude', 91)),
    create('longitude -181', withField('site.longitude', -181)),
    create('latitude NaN as text', withField('site.latitude', 'NaN')),
    create('a rating as a string', withField('justification.seriousCrime.rating', '4')),
    create('a rating of 6', withField('justification.seriousCrime.rating', 6)),
    create('a rating of -1', withField('justification.seriousCrime.rating', -1)),
    create('a rating of 2.5', withField('justification.seriousCrime.rating', 2.5)),
    create('a rating without evidence', withField('justification.seriousCrime.evidence', 'short')),
    create(
      'a missing factor',
      withField('justification', { seriousCrime: { rating: 1, evidence: 'x'.repeat(30) } }),
    ),
    create('no consultees', withField('consultees', [])),
    create(
      '501 consultees',
      withField(
        'consultees',
        Array.from({ length: 501 }, (_, i) => ({ name: `C ${i}`, email: `c${i}@x.example` })),
      ),
    ),
    create(
      'a duplicate consultee address',
      withField('consultees', [
        { name: 'A', email: 'same@x.example' },
        { name: 'B', email: 'SAME@x.example' },
      ]),
    ),
    create('a consultee address without a domain', withField('consultees', [{ name: 'A', email: 'a@' }])),
    create(
      'a consultee name with CRLF',
      withField('consultees', [{ name: 'Cllr A\r\nX-Evil: 1', email: 'a@x.example' }]),
    ),
    create(
      'a consultee with an unknown field',
      withField('consultees', [{ name: 'A', email: 'a@x.example', phone: '1' }]),
    ),
    create('an approver without an address', withField('approver', { name: 'Supt X' })),
    create('a deadline in the past', withField('responseDeadline', '2020-01-01T00:00:00Z')),
    create('a deadline without a time zone', withField('responseDeadline', '2027-01-01T17:00:00')),
    create('a deadline as a date only', withField('responseDeadline', '2027-01-01')),
    create('a deadline in words', withField('responseDeadline', 'next Friday')),
    create('a deadline as epoch millis', withField('responseDeadline', Date.now() + 86_400_000)),
    create('a deadline 9999-12-31', withField('responseDeadline', '9999-12-31T17:00:00Z')),
    create(
      'a deadline 200 days ahead',
      withField('responseDeadline', new Date(Date.now() + 200 * 86_400_000).toISOString()),
    ),
    create(
      'retention of 0 days',
      withField('retention', { localDays: 0, nationalDays: 365, standardAccessDays: 90 }),
    ),
    create(
      'access longer than retention',
      withField('retention', { localDays: 30, nationalDays: 30, standardAccessDays: 90 }),
    ),
    create(
      'a checklist of 11 principles',
      withField(
        'checklist',
        Array.from({ length: 11 }, (_, i) => ({ principle: i + 1, met: true })),
      ),
    ),
    create(
      'a risk likelihood of 4',
      withField('risks', [{ description: 'd', likelihood: 4, severity: 1, mitigation: 'm' }]),
    ),
    create(
      'a residual severity of 0',
      withField('risks', [
        { description: 'd', likelihood: 1, severity: 1, mitigation: 'm', residualSeverity: 0 },
      ]),
    ),
    create('reviewOf not an id', withField('reviewOf', '../../etc')),
    create('an owner with an e-mail address', withField('owner', { role: 'Ask j.smith@police.example' })),
    create(
      'a body over 256 KiB',
      { ...base(), alternativesConsidered: 'x'.repeat(262_200) },
      413,
      'PayloadTooLargeError',
    ),
    {
      name: 'a body that is not JSON',
      method: 'POST',
      path: '/proposals',
      auth: 'manager',
      body: 'title=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      error: 'UnsupportedMediaTypeError',
    },
    // Tokens.
    ...(Object.keys(TOKEN_KINDS) as (keyof typeof TOKEN_KINDS)[]).map(
      (kind): Case => ({
        name: `a token: ${kind}`,
        method: 'POST',
        path: '/proposals',
        auth: kind,
        body: base(),
        status: kind === 'otherGroup' || kind === 'noGroup' ? 403 : 401,
      }),
    ),
    { name: 'no token', method: 'POST', path: '/proposals', auth: 'none', body: base(), status: 401 },
    {
      name: 'an auditor opening a proposal',
      method: 'POST',
      path: '/proposals',
      auth: 'auditor',
      body: base(),
      status: 403,
      error: 'ForbiddenError',
    },
    {
      name: 'an auditor withdrawing',
      method: 'POST',
      path: '/proposals/{consulting}/withdraw',
      auth: 'auditor',
      status: 403,
      error: 'ForbiddenError',
    },
    {
      name: 'a manager verifying the chain',
      method: 'GET',
      path: '/audit/verify',
      auth: 'manager',
      status: 403,
      error: 'ForbiddenError',
    },
    // Ids and query strings.
    {
      name: 'an unknown proposal',
      method: 'GET',
      path: '/proposals/00000000-0000-4000-8000-000000000000',
      auth: 'manager',
      status: 404,
      error: 'NotFoundError',
    },
    {
      name: 'a 3 KB proposal id',
      method: 'GET',
      path: `/proposals/${'a'.repeat(3000)}`,
      auth: 'manager',
      status: 404,
      error: 'NotFoundError',
    },
    {
      name: 'withdrawing a withdrawn proposal',
      method: 'POST',
      path: '/proposals/{withdrawn}/withdraw',
      auth: 'manager',
      status: 409,
      error: 'ConflictError',
    },
    {
      name: 'a review link for a consulting proposal',
      method: 'POST',
      path: '/proposals/{consulting}/review-link',
      auth: 'manager',
      status: 409,
      error: 'ConflictError',
    },
    {
      name: 'accepting an unknown reply',
      method: 'POST',
      path: `/proposals/{consulting}/replies/${'b'.repeat(64)}/accept`,
      auth: 'manager',
      status: 404,
      error: 'NotFoundError',
    },
    {
      name: 'an unknown status filter',
      method: 'GET',
      path: '/proposals?status=lost',
      auth: 'manager',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'a limit of 0',
      method: 'GET',
      path: '/proposals?limit=0',
      auth: 'manager',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'a limit of 10001',
      method: 'GET',
      path: '/decisions?limit=10001',
      auth: 'auditor',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'a limit in words',
      method: 'GET',
      path: '/decisions?limit=ten',
      auth: 'auditor',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'a forged cursor',
      method: 'GET',
      path: `/decisions?cursor=${Buffer.from('{"PK":"USER#x"}').toString('base64url')}`,
      auth: 'auditor',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'a cursor that is not base64',
      method: 'GET',
      path: '/proposals?cursor=%%%',
      auth: 'manager',
      status: 400,
    },
    {
      name: 'a from date after to',
      method: 'GET',
      path: '/decisions?from=2027-01-02&to=2027-01-01',
      auth: 'auditor',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'a from date in words',
      method: 'GET',
      path: '/decisions?from=yesterday',
      auth: 'auditor',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'an unknown outcome filter',
      method: 'GET',
      path: '/decisions?outcome=maybe',
      auth: 'auditor',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'an unknown format',
      method: 'GET',
      path: '/decisions?format=xml',
      auth: 'auditor',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'a reviews-due date in words',
      method: 'GET',
      path: '/reviews/due?before=soon',
      auth: 'manager',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'an unknown decision',
      method: 'GET',
      path: '/decisions/DEC-999999',
      auth: 'auditor',
      status: 404,
      error: 'NotFoundError',
    },
    {
      name: 'a decision id of the wrong shape',
      method: 'GET',
      path: '/decisions/42',
      auth: 'auditor',
      status: 404,
      error: 'NotFoundError',
    },
    {
      name: 'an ICO consultation without fields',
      method: 'POST',
      path: '/proposals/{consulting}/ico-consultation',
      auth: 'manager',
      body: {},
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'an ICO consultation dated in the future',
      method: 'POST',
      path: '/proposals/{consulting}/ico-consultation',
      auth: 'manager',
      body: { submittedOn: '2999-01-01', reference: 'R', outcome: 'advice-received', summary: 'S' },
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'an assessment with a risk of likelihood 9 (issue 19)',
      method: 'PUT',
      path: '/proposals/{consulting}/assessment',
      auth: 'manager',
      body: { risks: [{ description: 'd', likelihood: 9, severity: 1, mitigation: 'm' }] },
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'an assessment changing the need grounds (issue 19)',
      method: 'PUT',
      path: '/proposals/{consulting}/assessment',
      auth: 'manager',
      body: { justification: {} },
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'a condition marked done without evidence (issue 19)',
      method: 'POST',
      path: '/proposals/{consulting}/conditions/1/done',
      auth: 'manager',
      body: { evidence: 'ok' },
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'open conditions before a date that is not a date (issue 19)',
      method: 'GET',
      path: '/conditions/open?before=soon',
      auth: 'auditor',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'an unknown register type',
      method: 'GET',
      path: '/register.json?type=LASER',
      auth: 'none',
      status: 400,
      error: 'ValidationError',
    },
    {
      name: 'an unknown edition',
      method: 'GET',
      path: '/proposals/{consulting}/dpia?edition=secret',
      auth: 'manager',
      status: 400,
      error: 'ValidationError',
    },
    // Signed links.
    { name: 'a review link without a signature', method: 'GET', path: '{review}', auth: 'none', status: 403 },
    {
      name: 'a review link with a tampered signature',
      method: 'GET',
      path: '{review}?sig=AAAA{sig}',
      auth: 'none',
      status: 403,
    },
    {
      name: 'a review link with the signature of another id',
      method: 'GET',
      path: '/review/AAAAAAAAAAAAAAAAAAAAAA?sig={sig}',
      auth: 'none',
      status: 404,
    },
    {
      name: 'a review post of the wrong type',
      method: 'POST',
      path: '{review}',
      auth: 'none',
      body: { sig: '{sig}' },
      status: 415,
    },
    {
      name: 'a review post without an outcome',
      method: 'POST',
      path: '{review}',
      auth: 'none',
      body: 'sig={sig}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 400,
    },
    {
      name: 'a review post approving with one word',
      method: 'POST',
      path: '{review}',
      auth: 'none',
      body: 'sig={sig}&outcome=approved&rationale=ok',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 400,
    },
    {
      name: 'a review post with an unknown outcome',
      method: 'POST',
      path: '{review}',
      auth: 'none',
      body: 'sig={sig}&outcome=maybe&rationale=xxxxxxxxxxxxxxxxxxxxxxxxx',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 400,
    },
    {
      name: 'a DPO link that does not exist',
      method: 'GET',
      path: '/dpo/AAAAAAAAAAAAAAAAAAAAAA?sig=x',
      auth: 'none',
      status: 404,
    },
  ];
}

async function snapshot() {
  const { client } = t;
  const list = await client.api<{ items: { proposalId: string; status: string; updatedAt: string }[] }>(
    'manager',
    'GET',
    '/proposals?limit=200',
  );
  const details = await Promise.all(
    list.body.items.map(async (p) => {
      const d = await client.api<Record<string, unknown>>('manager', 'GET', `/proposals/${p.proposalId}`);
      const { consultation, status, timeline, decision } = d.body as Record<string, unknown>;
      return { status, consultation, timeline, decision };
    }),
  );
  const decisions = await client.api('auditor', 'GET', '/decisions?limit=200');
  return JSON.stringify({ details, decisions: decisions.body, mail: (await client.sentMail()).length });
}

beforeAll(async () => {
  t = await startTestStack();
  const { client } = t;
  const consulting = await client.openProposal(
    proposalInput({ consultees: 1, tag: 'bad-c', deadlineSeconds: 3600 }),
  );
  const awaiting = await client.openProposal(proposalInput({ consultees: 1, tag: 'bad-a' }));
  const withdrawn = await client.openProposal(proposalInput({ consultees: 1, tag: 'bad-w' }));
  for (const p of [consulting, awaiting, withdrawn]) await client.waitForStatus(p.proposalId, ['consulting']);
  await client.api('manager', 'POST', `/proposals/${withdrawn.proposalId}/withdraw`);
  const email = proposalInput({ consultees: 1, tag: 'bad-a' }).consultees[0]?.email as string;
  await answerLetter(client, email, awaiting.reference, 'SUPPORT');
  await client.waitForStatus(awaiting.proposalId, ['awaiting-approval']);
  const link = new URL(
    await client.waitForReviewLink(proposalInput().approver.email, awaiting.reference),
    client.apiUrl,
  );
  reviewPath = link.pathname;
  reviewSig = link.searchParams.get('sig') ?? '';
  ids = { consulting: consulting.proposalId, awaiting: awaiting.proposalId, withdrawn: withdrawn.proposalId };

  const key = await loadSigningKey(t.stack.config.dataDir);
  const now = Math.floor(Date.now() / 1000);
  const signed = (
    claims: Record<string, unknown>,
    options: { key?: Uint8Array; audience?: string; exp?: number } = {},
  ) =>
    new SignJWT({ token_use: 'id', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('local-mallory')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(options.audience ?? LOCAL_CLIENT_ID)
      .setIssuedAt(now - 60)
      .setExpirationTime(options.exp ?? now + 600)
      .sign(options.key ?? key);
  tokens = {
    garbage: 'not.a.token',
    otherKey: await signed({ 'cognito:groups': ['manager'] }, { key: randomBytes(32) }),
    algNone: new UnsecuredJWT({ 'cognito:groups': ['manager'], sub: 'x' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_CLIENT_ID)
      .setExpirationTime('10m')
      .encode(),
    expired: await signed({ 'cognito:groups': ['manager'] }, { exp: now - 10 }),
    noGroup: await signed({}),
    otherGroup: await signed({ 'cognito:groups': ['admin'] }),
    otherAudience: await signed({ 'cognito:groups': ['manager'] }, { audience: 'someone-else' }),
  };
}, 90_000);
afterAll(async () => t?.close());

describe('the bad-input catalogue', () => {
  it('has at least 80 cases', () => {
    expect(catalogue().length).toBeGreaterThanOrEqual(80);
  });

  it('answers every case with its 4xx in the SPEC error shape, and changes nothing', async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    for (const c of catalogue()) {
      const fill = (s: string) =>
        s
          .replace('{review}', reviewPath)
          .replaceAll('{sig}', encodeURIComponent(reviewSig))
          .replace(/\{(consulting|awaiting|withdrawn)\}/g, (_, k: keyof typeof ids) => ids[k]);
      const headers: Record<string, string> = { ...(c.headers ?? {}) };
      let role: 'manager' | 'auditor' | null = null;
      if (c.auth === 'manager' || c.auth === 'auditor') role = c.auth;
      else if (c.auth !== 'none') headers.authorization = `Bearer ${tokens[c.auth]}`;
      const body = typeof c.body === 'string' ? fill(c.body) : c.body;
      const answer = await t.client.api<{ error?: string }>(role, c.method, fill(c.path), body, headers);
      const json = answer.headers.get('content-type')?.startsWith('application/json');
      if (answer.status !== c.status) wrong.push(`${c.name}: ${answer.status}, expected ${c.status}`);
      else if (json && c.error && answer.body.error !== c.error)
        wrong.push(`${c.name}: ${answer.body.error}, expected ${c.error}`);
      else if (json && typeof answer.body.error !== 'string') wrong.push(`${c.name}: no error name`);
    }
    expect(wrong).toEqual([]);
    expect(await snapshot()).toBe(before);
    reportSoak('bad input (API)', { cases: catalogue().length, unexpected: wrong.length, changed: 0 });
  }, 120_000);
});
