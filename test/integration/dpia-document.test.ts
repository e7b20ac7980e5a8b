import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTION_HEADINGS } from '../../functions/dpia/document.js';
import { deliver, LAMBDA_RESPONSE_BYTES } from '../../functions/shared/large-body.js';
import { runDpia } from '../support/cli.js';
import { type Planted, plantedProposal, plantedStrings } from '../support/planted.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const PLANTED: Planted = {
  site: 'Culvert footbridge lamp column QX-9912',
  latitude: 51.123457,
  longitude: 0.765432,
  consultee: 'Cllr Araminta Quillfeather',
  consulteeEmail: 'araminta.quillfeather@planted.example',
  approver: 'Ch Supt Bartholomew Nettlefold',
  approverEmail: 'b.nettlefold@planted-police.example',
  dpo: 'Dr Hyacinth Marchbanks',
  dpoEmail: 'h.marchbanks@planted-police.example',
};

let t: TestStack;
let proposalId: string;
let reference: string;
let reviewLink: string;
let adviceLink: string;
let hash: string;

async function pdfText(bytes: ArrayBuffer): Promise<string> {
  // pdf.js takes the buffer over (detaches it): give it a copy.
  const pdf = await getDocumentProxy(new Uint8Array(bytes.slice(0)));
  const { text } = await extractText(pdf, { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

async function get(path: string, role: 'manager' | 'auditor' | null = 'manager') {
  return fetch(`${t.client.apiUrl}${path}`, {
    headers: role ? { authorization: `Bearer ${await t.client.token(role)}` } : {},
  });
}

beforeAll(async () => {
  t = await startTestStack();
  const { input, first, second } = plantedProposal(PLANTED, 'dpia');
  Object.assign(input, {
    risks: [
      {
        description: 'Vehicles of residents recorded routinely',
        likelihood: 3,
        severity: 2,
        mitigation: 'Standard access limited to 90 days',
        residualLikelihood: 2,
        residualSeverity: 1,
      },
    ],
  });
  ({ proposalId, reference } = await t.client.openProposal(input));
  await t.client.waitForStatus(proposalId, ['consulting']);
  await t.client.waitFor('both consultation mails', async () =>
    (await t.client.mailTo(second.email, reference)).length > 0 &&
    (await t.client.mailTo(first.email, reference)).length > 0
      ? true
      : undefined,
  );
  await t.client.replyAsConsultee(
    first.email,
    reference,
    'SUPPORT',
    `I am ${PLANTED.consultee}, near ${PLANTED.site}.`,
  );
  await t.client.replyAsConsultee(second.email, reference, 'CONCERNS', 'Who sees the data?');
  // The proposal names a DPO: the DPO advises from the mailed link before the approver decides.
  await t.client.waitForStatus(proposalId, ['awaiting-dpo-advice']);
  adviceLink = await t.client.waitForAdviceLink(PLANTED.dpoEmail, reference);
  const advice = new URL(adviceLink, t.client.apiUrl);
  const advised = await t.client.postSignedForm(advice, {
    recommendation: 'proceed',
    advice: `Lawful and proportionate; signed ${PLANTED.dpo}.`,
  });
  expect(advised.status).toBe(200);
  await t.client.waitForStatus(proposalId, ['awaiting-approval']);
  reviewLink = await t.client.waitForReviewLink(PLANTED.approverEmail, reference);
  const decided = await t.client.postSignedForm(reviewLink, {
    outcome: 'approved',
    rationale: `A clear pressing need; ${PLANTED.consultee} supports it and the concerns are met.`,
    // Issue 19: a decision against a consultee's view gives reasons that address it.
    consulteeResponse:
      'The objection and concerns are met by the 90-day access limit, the annual review and not disclosing the site.',
    conditions: 'Confirm encryption at rest (principle 9) before the camera goes live.',
    dpoAdvice: 'accepted',
  });
  expect(decided.status).toBe(200);
  await t.client.waitForStatus(proposalId, ['approved']);
  const detail = await t.client.api<{ decision: { hash: string } }>(
    'manager',
    'GET',
    `/proposals/${proposalId}`,
  );
  hash = detail.body.decision.hash;
}, 90_000);
afterAll(async () => t?.close());

describe('GET /proposals/{id}/dpia', () => {
  it('gives a manager the full document: every step, the site, the hash, under the strict CSP', async () => {
    const response = await get(`/proposals/${proposalId}/dpia`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    for (const heading of SECTION_HEADINGS) expect(html).toContain(heading);
    expect(html).toContain(PLANTED.site);
    expect(html).toContain(hash);
    expect(html).not.toContain('DRAFT - not yet decided');
  });

  it('gives an auditor the public edition without the site, names or e-mail addresses', async () => {
    const response = await get(`/proposals/${proposalId}/dpia?edition=public`, 'auditor');
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const [what, value] of plantedStrings(PLANTED)) expect(html, what).not.toContain(value);
    expect(html).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
    expect(html).toContain(hash);
  });

  it('refuses without a token (401), an unknown proposal (404) and a bad edition (400), as JSON', async () => {
    expect((await get(`/proposals/${proposalId}/dpia`, null)).status).toBe(401);
    const missing = await get('/proposals/no-such-proposal/dpia');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'NotFoundError' });
    const bad = await get(`/proposals/${proposalId}/dpia?edition=secret`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'ValidationError' });
  });
});

describe('GET /proposals/{id}/dpia.pdf', () => {
  it('prints the full document: every heading, the hash, the reference on every page', async () => {
    const response = await get(`/proposals/${proposalId}/dpia.pdf`, 'auditor');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${reference}.pdf"`);
    const bytes = await response.arrayBuffer();
    expect(Buffer.from(bytes).subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(bytes);
    for (const heading of SECTION_HEADINGS) expect(text).toContain(heading);
    expect(text).toContain(hash);
    expect(text).toContain(PLANTED.site);
    const pdf = await getDocumentProxy(new Uint8Array(bytes.slice(0)));
    const pages = (await extractText(pdf)).text as string[];
    expect(pages.length).toBeGreaterThan(3);
    for (const page of pages) expect(page).toContain(reference);
  }, 60_000);

  it('prints the public edition with none of the planted strings', async () => {
    const response = await get(`/proposals/${proposalId}/dpia.pdf?edition=public`);
    expect(response.status).toBe(200);
    const text = await pdfText(await response.arrayBuffer());
    for (const heading of SECTION_HEADINGS) expect(text).toContain(heading);
    for (const [what, value] of plantedStrings(PLANTED)) expect(text, what).not.toContain(value);
    expect(text).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
    expect(text).toContain('Public edition');
  }, 60_000);
});

describe('GET /review/{reviewId}/dpia?sig=', () => {
  it('lets the approver read the document of the proposal they decided', async () => {
    const url = new URL(reviewLink, t.client.apiUrl);
    const response = await get(`${url.pathname}/dpia${url.search}`, null);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(PLANTED.site);
    expect(html).toContain(hash);
  });

  it('refuses a tampered signature (403) and an unknown review (404) with a page', async () => {
    const url = new URL(reviewLink, t.client.apiUrl);
    const tampered = await get(`${url.pathname}/dpia?sig=AAAA${url.searchParams.get('sig')?.slice(4)}`, null);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('This review link is not valid');
    const unknown = await get(`/review/nonexistent/dpia${url.search}`, null);
    expect(unknown.status).toBe(404);
  });

  it("heads a refusal of the DPO's link as the advice link's, not the review link's", async () => {
    const url = new URL(adviceLink, t.client.apiUrl);
    const tampered = await get(`${url.pathname}/dpia?sig=AAAA${url.searchParams.get('sig')?.slice(4)}`, null);
    expect(tampered.status).toBe(403);
    const page = await tampered.text();
    expect(page).toContain('This advice link is not valid');
    expect(page).not.toContain('review link');
  });
});

describe('dpia document ID [--pdf] [--public] [--out FILE]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpia-document-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const dpia = (...args: string[]) => runDpia(t.stack.config, args, { cwd: dir });

  it('writes the HTML under the reference by default and says where', async () => {
    const run = await dpia('document', proposalId);
    expect(run.code, run.stderr).toBe(0);
    const file = join(dir, `${reference}.html`);
    expect(run.stdout).toContain(`Wrote ${file} (full edition, HTML`);
    expect(readFileSync(file, 'utf8')).toContain(hash);
  });

  it('writes the public PDF where --out says, with none of the planted strings', async () => {
    const file = join(dir, 'public.pdf');
    const run = await dpia('document', proposalId, '--pdf', '--public', '--out', file);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Wrote ${file} (public edition, PDF`);
    const text = await pdfText(readFileSync(file).buffer as ArrayBuffer);
    expect(text).toContain('Step 7: Sign off and record outcomes');
    for (const [what, value] of plantedStrings(PLANTED)) expect(text, what).not.toContain(value);
  }, 60_000);

  it('explains an unknown proposal in one line and exits non-zero', async () => {
    const run = await dpia('document', 'no-such-proposal');
    expect(run.code).toBe(1);
    // A sentence, never the error's class name (issue 20).
    expect(run.stderr.trim()).toMatch(/^No proposal with id no-such-proposal\.$/);
  });
});

describe('a body over the Lambda response cap', () => {
  it('is answered with a 303 to a short-lived presigned URL that serves it (s3rver here, S3 on AWS)', async () => {
    const body = Buffer.alloc(LAMBDA_RESPONSE_BYTES + 1024, 'x');
    const answer = await deliver({
      body,
      contentType: 'application/json; charset=utf-8',
      filename: 'evidence-DPIA-2026-9999.json',
      disposition: 'attachment',
    });
    expect(answer.statusCode).toBe(303);
    const location = String(answer.headers?.location);
    expect(location).toContain('/downloads/');
    expect(location).toContain('X-Amz-Expires=300');
    const fetched = await fetch(location);
    expect(fetched.status).toBe(200);
    expect((await fetched.arrayBuffer()).byteLength).toBe(body.length);
    // A small body stays in the Lambda response.
    const small = await deliver({
      body: Buffer.from('{}'),
      contentType: 'application/json',
      filename: 'x.json',
      disposition: 'inline',
    });
    expect(small).toMatchObject({ statusCode: 200, body: '{}' });
  });
});
