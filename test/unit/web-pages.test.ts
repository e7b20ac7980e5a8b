// The web functions' pages with DynamoDB, Step Functions and Secrets Manager mocked: sessions and
// roles, CSRF refusals that change nothing, the form's field errors, the diagram, and the routes.
import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { functionRegistry } from '../../functions/registry.js';
import { routeKey, routeTable, WEB_PAGES } from '../../functions/routes.js';
import type { HttpEvent } from '../../functions/shared/http.js';
import { proposalKey } from '../../functions/shared/keys.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import { lifecycleDiagram } from '../../functions/web/diagram.js';
import {
  formFromInput,
  parseProposalForm,
  proposalFormView,
  ukLocalToIso,
} from '../../functions/web/proposal-form.js';
import { type Pages, servePage as serveFrom } from '../../functions/web/serve.js';
import { csrfToken, SESSION_COOKIE, signSession } from '../../functions/web/session.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { exampleInput } from '../support/records.js';

const ddb = mockDocumentClient();
const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
process.env.DPIA_REVIEW_KEY_SECRET_ID = 'camera-dpia/review-link-key';
process.env.DPIA_TABLE_NAME = 'camera-dpia';
process.env.DPIA_EVIDENCE_BUCKET = 'camera-dpia-evidence';
process.env.DPIA_RAW_MAIL_BUCKET = 'camera-dpia-inbound-mail';
process.env.DPIA_LOCAL_SIGNIN = 'true';
process.env.DPIA_MAIL_VIEWER_URL = 'http://127.0.0.1:8005';

/** Each web function's pages, from the module functions/registry.ts deploys for it. */
const pagesOf = new Map<string, Pages>();

beforeAll(async () => {
  for (const spec of functionRegistry.filter((f) => f.name in WEB_PAGES)) {
    pagesOf.set(spec.name, ((await import(`../../${spec.entry}`)) as { PAGES: Pages }).PAGES);
  }
  secrets.on(GetSecretValueCommand).resolves({ SecretString: randomBytes(32).toString('base64') });
});
beforeEach(() => {
  ddb.reset();
  sfn.reset();
  s3.reset();
  ddb.on(QueryCommand).resolves({ Items: [] });
});

function event(
  key: string,
  options: {
    cookie?: string;
    body?: string;
    path?: Record<string, string>;
    query?: Record<string, string>;
  } = {},
): HttpEvent {
  const [method, path] = key.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey: key,
    rawPath: path,
    rawQueryString: '',
    headers: options.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    ...(options.cookie ? { cookies: [options.cookie] } : {}),
    ...(options.path ? { pathParameters: options.path } : {}),
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: { http: { method, path, protocol: 'HTTP/1.1' }, requestId: 'r1' },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
  } as unknown as HttpEvent;
}

/** As API Gateway does: the route table picks the function, and that function serves the page. */
function servePage(request: HttpEvent): ReturnType<typeof serveFrom> {
  const route = routeTable.find((r) => routeKey(r) === request.routeKey);
  const pages = route && pagesOf.get(route.function);
  if (!pages) throw new Error(`no web function serves ${request.routeKey}`);
  return serveFrom(pages, request);
}

const sessionOf = async (role: 'manager' | 'auditor') =>
  `${SESSION_COOKIE}=${(await signSession({ sub: `${role}@police.example`, role })).token}`;

describe('routes', () => {
  it('serves each web route from the function the route table names, and only those routes', () => {
    const webFunctions = functionRegistry.filter((f) => f.entry.startsWith('functions/web/'));
    expect(webFunctions.map((f) => f.name).sort()).toEqual(Object.keys(WEB_PAGES).sort());
    for (const { name } of webFunctions) {
      const webRoutes = routeTable.filter((r) => r.function === name);
      expect(webRoutes.map(routeKey).sort(), name).toEqual(Object.keys(pagesOf.get(name) ?? {}).sort());
      expect(webRoutes.every((r) => r.auth === 'none')).toBe(true);
    }
  });

  it('answers a route key a web function does not serve with a 404 page', async () => {
    const home = pagesOf.get('web-home') ?? {};
    const answer = await serveFrom(home, event('GET /app/decisions'));
    expect(answer.statusCode).toBe(404);
    expect(answer.headers?.['content-type']).toContain('text/html');
    expect(answer.body).toContain('Not found');
  });
});

describe('sessions and roles', () => {
  it('sends a visitor without a session to the sign-in page', async () => {
    const answer = await servePage(event('GET /app/proposals'));
    expect(answer.statusCode).toBe(303);
    expect(answer.headers?.location).toBe('/sign-in');
  });

  it('answers an auditor on a manager page, and a manager on the verify page, with a 403 page', async () => {
    const auditor = await servePage(event('GET /app/proposals/new', { cookie: await sessionOf('auditor') }));
    expect(auditor.statusCode).toBe(403);
    expect(auditor.headers?.['content-type']).toContain('text/html');
    expect(auditor.body).toContain('You cannot do this');
    const manager = await servePage(event('GET /app/audit/verify', { cookie: await sessionOf('manager') }));
    expect(manager.statusCode).toBe(403);
  });

  it('refuses a form post without the right CSRF token and writes nothing', async () => {
    const cookie = await sessionOf('manager');
    for (const body of ['title=x&action=submit', 'title=x&action=submit&csrf=forged']) {
      const answer = await servePage(event('POST /app/proposals', { cookie, body }));
      expect(answer.statusCode).toBe(403);
    }
    const withdraw = await servePage(
      event('POST /app/proposals/{id}/withdraw', { cookie, body: 'confirm=yes', path: { id: 'p-1' } }),
    );
    expect(withdraw.statusCode).toBe(403);
    const reissue = await servePage(
      event('POST /app/proposals/{id}/review-link', { cookie, body: 'csrf=forged', path: { id: 'p-1' } }),
    );
    expect(reissue.statusCode).toBe(403);
    // Reads only (the session's revocation check): nothing written.
    expect(ddb.calls().filter((c) => c.args[0].constructor.name !== 'GetCommand')).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('gives an auditor the evidence pack as a JSON download, and a manager a 403', async () => {
    const meta = {
      ...proposalKey('p-1'),
      proposalId: 'p-1',
      reference: 'DPIA-2026-0009',
      status: 'consulting',
      createdAt: '2026-11-20T10:00:00.000Z',
      createdBy: 'manager@police.example',
      updatedAt: '2026-11-20T10:00:00.000Z',
      input: { title: 'ANPR - A28', cameraType: 'ANPR', publicArea: 'Tenterden', site: { description: 'x' } },
      pressingNeed: null,
      consultation: { deadline: '2026-12-15T17:00:00.000Z', mailed: 0, responded: 0, late: 0, bounced: 0 },
      decisionId: null,
    };
    ddb.on(QueryCommand).resolves({ Items: [meta] });
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const path = { id: 'p-1' };

    const answer = await servePage(
      event('GET /app/proposals/{id}/evidence', { cookie: await sessionOf('auditor'), path }),
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.headers?.['content-disposition']).toBe(
      'attachment; filename="evidence-DPIA-2026-0009.json"',
    );
    expect(JSON.parse(String(answer.body))).toMatchObject({
      evidencePack: { reference: 'DPIA-2026-0009', generatedBy: 'auditor@police.example' },
      mails: [],
      replies: [],
      decision: null,
    });
    const manager = await servePage(
      event('GET /app/proposals/{id}/evidence', { cookie: await sessionOf('manager'), path }),
    );
    expect(manager.statusCode).toBe(403);
  });

  it('sends the waiting token when a manager asks for a new review link, then shows the proposal', async () => {
    const { token, session } = await signSession({ sub: 'manager@police.example', role: 'manager' });
    const cookie = `${SESSION_COOKIE}=${token}`;
    ddb.on(GetCommand, { Key: proposalKey('p-1') }).resolves({
      Item: { proposalId: 'p-1', reference: 'DPIA-2026-0009', status: 'expired', reissueTaskToken: 'tt' },
    });
    ddb.on(UpdateCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    const body = new URLSearchParams({ csrf: await csrfToken(session.csrf) }).toString();

    const answer = await servePage(
      event('POST /app/proposals/{id}/review-link', { cookie, body, path: { id: 'p-1' } }),
    );

    expect(answer.statusCode).toBe(303);
    expect(answer.headers?.location).toBe('/app/proposals/p-1');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.taskToken).toBe('tt');
    const auditor = await servePage(
      event('POST /app/proposals/{id}/review-link', {
        cookie: await sessionOf('auditor'),
        body,
        path: { id: 'p-1' },
      }),
    );
    expect(auditor.statusCode).toBe(403);
  });

  it('signs in locally only with the sign-in form token, then sets a strict, HttpOnly session cookie', async () => {
    const page = await servePage(event('GET /sign-in'));
    const attempt = (page.cookies?.[0] ?? '').split(';')[0] as string;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body ?? '')?.[1] ?? '';
    const refused = await servePage(
      event('POST /sign-in', { cookie: attempt, body: 'role=manager&user=m%40police.example&csrf=nope' }),
    );
    expect(refused.statusCode).toBe(403);
    const answer = await servePage(
      event('POST /sign-in', {
        cookie: attempt,
        body: new URLSearchParams({ role: 'manager', user: 'm@police.example', csrf }).toString(),
      }),
    );
    expect(answer.statusCode).toBe(303);
    expect(answer.headers?.location).toBe('/app/proposals');
    expect(answer.cookies?.[0]).toMatch(
      /^dpia_session=.+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=1800$/,
    );
  });

  it('renews the session with every page a signed-in person is served, not on a refusal (issue 21)', async () => {
    const page = await servePage(event('GET /app/proposals/new', { cookie: await sessionOf('manager') }));
    expect(page.statusCode).toBe(200);
    expect(page.cookies?.[0]).toMatch(/^dpia_session=.+; Max-Age=1800$/);
    const refused = await servePage(event('GET /app/audit/verify', { cookie: await sessionOf('manager') }));
    expect(refused.statusCode).toBe(403);
    expect(refused.cookies ?? []).toEqual([]);
  });

  it('keeps every page under the strict CSP', async () => {
    const answer = await servePage(event('GET /'));
    expect(answer.headers?.['content-security-policy']).toContain("default-src 'none'");
    expect(answer.body).toContain('sent-mail viewer');
  });
});

describe('the new proposal form', () => {
  it("says errors in the form's words: a duplicate names the row or pasted line, a started checklist names the principle (issue 20)", () => {
    const form = new URLSearchParams({
      consulteesCsv: 'Cllr A, a@t.example, Town',
      'consultee.0.name': 'Cllr C',
      'consultee.0.email': 'c@t.example',
      'consultee.1.name': 'Cllr D',
      'consultee.1.email': 'C@T.example',
      rows: '2',
      'checklist.0.met': 'yes',
      'retention.localDays': '0',
    });
    const parsed = parseProposalForm(form);
    const checked = ProposalInput.safeParse(parsed.raw);
    expect(checked.success).toBe(false);
    const issues = checked.success
      ? []
      : checked.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const view = proposalFormView(form, issues, parsed.sources, parsed.riskSources);
    const summaries = view.errors.map((e) => e.summary);
    expect(summaries).toContain(
      'Consultee 2 e-mail: Duplicate e-mail address: already given for consultee 1',
    );
    expect(summaries).toContain('Principle 2 met or not: Required');
    expect(summaries).toContain(
      'Kept locally: Days kept locally must be a whole number of days from 1 to 36500',
    );
    expect(summaries.join(' ')).not.toMatch(/localDays|consultee 0|checklist\./);
    expect(view.principles[1]?.met.invalid).toBe(true);
  });

  it('maps each schema issue to its field, CSV consultees to their line', () => {
    const form = new URLSearchParams({
      consulteesCsv: 'Cllr A, a@t.example, Town\nCllr B, not-an-address',
      'consultee.0.name': 'Cllr C',
      'consultee.0.email': 'A@T.example',
      rows: '2',
    });
    const parsed = parseProposalForm(form);
    const view = proposalFormView(
      form,
      [
        { path: 'consultees.1.email', message: 'Invalid email address' },
        { path: 'consultees.2.email', message: 'Duplicate e-mail address' },
        { path: 'site.latitude', message: 'Required' },
      ],
      parsed.sources,
    );
    expect(view.errors.map((e) => [e.field, e.message])).toEqual([
      ['consulteesCsv', 'Line 2 (email): Invalid email address'],
      ['consultee.0.email', 'Duplicate e-mail address'],
      ['site.latitude', 'Required'],
    ]);
    expect(view.consulteeRows[0]?.email).toMatchObject({ value: 'A@T.example', invalid: true });
    expect(view.consulteesCsv.value).toContain('not-an-address');
  });

  it('reads risks before and after the measures, skipping empty rows, and names a bad one by its row', () => {
    const form = new URLSearchParams({
      'risk.0.description': 'Collateral intrusion',
      'risk.0.likelihood': '3',
      'risk.0.severity': '2',
      'risk.0.mitigation': 'Ninety-day access limit',
      'risk.0.residualLikelihood': '1',
      'risk.2.description': 'Location disclosed',
      'risk.2.likelihood': '2',
      'risk.2.severity': '',
      'risk.2.mitigation': 'Restricted location',
      alternativesConsidered: 'Mobile ANPR was tried for six months.',
    });
    const parsed = parseProposalForm(form);
    expect(parsed.raw.risks).toEqual([
      {
        description: 'Collateral intrusion',
        likelihood: 3,
        severity: 2,
        mitigation: 'Ninety-day access limit',
        residualLikelihood: 1,
      },
      {
        description: 'Location disclosed',
        likelihood: 2,
        severity: undefined,
        mitigation: 'Restricted location',
      },
    ]);
    expect(parsed.raw.alternativesConsidered).toBe('Mobile ANPR was tried for six months.');
    const view = proposalFormView(
      form,
      [{ path: 'risks.1.severity', message: 'Required' }],
      [],
      parsed.riskSources,
    );
    expect(view.errors[0]).toMatchObject({ field: 'risk.2.severity', summary: 'Risk 3 severity: Required' });
    expect(view.riskRows[0]?.residualLikelihood.options.find((o) => o.selected)?.label).toBe('1: Remote');
    expect(view.riskRows[0]?.residualSeverity.options.find((o) => o.selected)?.label).toBe('Unchanged');
  });

  it('pre-fills a review from the reviewed proposal: every field comes back the same, the 12 principles and the assessment among them (issue 20)', () => {
    const example = exampleInput();
    const form = formFromInput(
      { ...example, consultees: [...example.consultees, { name: 'Cllr "Q", Jr', email: 'q@x.example' }] },
      '7d3f7a52-1c1e-4b7e-9a51-0d6f7f0b8c11',
    );
    const view = proposalFormView(form, [], []);
    expect(view.reviewOf).toBe('7d3f7a52-1c1e-4b7e-9a51-0d6f7f0b8c11');
    expect(view.responseDeadline.value).toBe('');
    form.set('responseDeadline', '2030-01-01T12:00');
    const parsed = parseProposalForm(form);
    const { responseDeadline: _d, ...expected } = example;
    const { responseDeadline: _r, ...round } = ProposalInput.parse(parsed.raw);
    expect(round).toEqual({
      ...expected,
      consultees: [...example.consultees, { name: 'Cllr "Q", Jr', email: 'q@x.example' }],
      reviewOf: '7d3f7a52-1c1e-4b7e-9a51-0d6f7f0b8c11',
    });
  });

  it('reads the deadline as UK time, GMT or BST', () => {
    expect(ukLocalToIso('2026-12-15T17:00')).toBe('2026-12-15T17:00:00.000Z');
    expect(ukLocalToIso('2026-07-01T09:30')).toBe('2026-07-01T08:30:00.000Z');
  });
});

describe('the state diagram', () => {
  it('marks the current state and the states passed, from status and timeline', () => {
    const view = lifecycleDiagram(
      'awaiting-approval',
      ['scored', 'consultation-mailed', 'consultation-closed', 'approval-requested'].map((event) => ({
        event,
      })),
      'clear',
    );
    expect(view.current).toBe('RequestApproval');
    expect(view.past).toEqual([
      'ScorePressingNeed',
      'IsNeedSufficient',
      'SendConsultation',
      'AllMailed',
      'CollectResponses',
      'CloseConsultation',
      'IsDpoNamed',
    ]);
    const classes = Object.fromEntries(view.boxes.map((b) => [b.name, b.className]));
    expect(classes.RequestApproval).toBe('current');
    expect(classes.RecordDecision).toBe('future');
    // Every state of the ASL file, WaitToSend and WaitToNotify (the waits between slices) among them.
    expect(view.boxes).toHaveLength(18);
    expect(classes.WaitToSend).toBe('future');
    expect(classes.WaitToNotify).toBe('future');
  });

  it('shows the insufficient-need path and a withdrawn run with no current state', () => {
    const rejected = lifecycleDiagram(
      'rejected',
      [{ event: 'scored' }, { event: 'decided' }, { event: 'outcome-mailed' }],
      'insufficient',
    );
    expect(rejected.current).toBe('Done');
    expect(rejected.past).toContain('RejectForInsufficientNeed');
    expect(rejected.past).not.toContain('SendConsultation');
    const withdrawn = lifecycleDiagram(
      'withdrawn',
      [{ event: 'scored' }, { event: 'consultation-mailed' }],
      'clear',
    );
    expect(withdrawn.current).toBeNull();
    expect(withdrawn.summary).toContain('Stopped (withdrawn)');
  });
});
