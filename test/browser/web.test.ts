// The web pages in real Chromium on a real local stack: each role walks the lifecycle as people
// would, the refusals are pages, and axe finds no serious or critical violation on any page visited.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserTestStack } from './browser-stack.js';
import { deadlineInHours, fillAssessment, fillProposalForm, seriousViolations, signIn } from './support.js';

const t = browserTestStack();
const violations: string[] = [];

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await t.browser.newContext({ acceptDownloads: true });
  return { context, page: await context.newPage() };
}

/** axe on the page as it stands; collected and asserted once per test. */
async function audit(page: Page): Promise<void> {
  violations.push(...(await seriousViolations(page)));
}

const APPROVER = 'approver.web@police.example';
const CONSULTEES = ['cllr.one.web@tenterden.example', 'cllr.two.web@tenterden.example'];

describe('the lifecycle through the web pages', () => {
  it('manager opens, consultees reply, approver approves, auditor lists, exports and verifies', async () => {
    violations.length = 0;
    const { page: front } = await newPage();
    await front.goto(`${t.client.apiUrl}/`);
    expect(await front.locator('a', { hasText: 'sent-mail viewer' }).count()).toBe(1);
    await audit(front);

    const { context: managerContext, page } = await newPage();
    await page.goto(`${t.client.apiUrl}/sign-in`);
    await audit(page);
    await signIn(page, t.client.apiUrl, 'manager', 'manager.web@police.example');
    await audit(page);
    await page.goto(`${t.client.apiUrl}/app/proposals/new`);
    await audit(page);
    await fillProposalForm(page, {
      title: 'ANPR - A28 approach to Tenterden (web)',
      publicArea: 'Tenterden',
      consulteesCsv: `Cllr One, ${CONSULTEES[0]}, Tenterden Town Council\nCllr Two, ${CONSULTEES[1]}, Tenterden Town Council`,
      approverName: 'Ch Supt Web',
      approverEmail: APPROVER,
      deadline: deadlineInHours(48),
    });
    await Promise.all([
      page.waitForURL(/\/app\/proposals\/[0-9a-f-]{36}$/),
      page.click('button[value=submit]'),
    ]);
    const reference = (await page.locator('.tag').first().textContent()) ?? '';
    expect(reference).toMatch(/^DPIA-\d{4}-\d{4}$/);
    const proposalUrl = page.url();
    const proposalId = proposalUrl.split('/').at(-1) as string;
    await t.client.waitForStatus(proposalId, ['consulting']);
    await page.reload();
    expect(await page.locator('svg[role=img] .current text').textContent()).toContain('Collect responses');
    await audit(page);
    await page.click('text=Withdraw this proposal');
    await audit(page);
    await page.goBack();

    // Issue 19, 20: opened without its assessment; the manager completes it on the full form while
    // consulting. A wrong field is refused (400, every error by its field, nothing saved) first.
    expect(await page.textContent('#assessment-missing')).toContain('the lawful basis');
    await Promise.all([
      page.waitForURL(/\/assessment$/),
      page.click('text=Complete or change the assessment'),
    ]);
    await audit(page);
    await fillAssessment(page, { lawfulBasis: 'Policing.' });
    const [refusedAssessment] = await Promise.all([
      page.waitForResponse(/\/assessment$/),
      page.click('button[value=save]'),
    ]);
    expect(refusedAssessment.status()).toBe(400);
    expect(await page.locator('.error-summary li').allTextContents()).toEqual([
      'Lawful basis: Must be at least 20 characters',
    ]);
    expect(await page.locator('#f-checklist-8-met-no').isChecked()).toBe(true);
    await audit(page);
    const untouched = await t.client.api<{ assessmentMissing: string[] }>(
      'manager',
      'GET',
      `/proposals/${proposalId}`,
    );
    expect(untouched.body.assessmentMissing).toHaveLength(7);
    await page.fill(
      '#f-lawfulBasis',
      'DPA 2018 s.35(2)(b): necessary for a law enforcement task of the force.',
    );
    await Promise.all([page.waitForURL(`${proposalUrl}#assessment`), page.click('button[value=save]')]);
    const shown = await page.textContent('main');
    expect(shown).toContain('Complete: every part an approval needs is recorded.');
    expect(shown).toContain('9. Images and information subject to appropriate security measures');
    expect(shown).toContain('Not met');
    expect(shown).toContain('Remote, Significant: Low'); // the residual risk
    await audit(page);

    await t.client.replyAsConsultee(CONSULTEES[0] as string, reference, 'SUPPORT', 'We welcome this camera.');
    await t.client.replyAsConsultee(
      CONSULTEES[1] as string,
      reference,
      'CONCERNS',
      'Please review the signage.',
    );
    await t.client.waitForStatus(proposalId, ['awaiting-approval']);
    await page.reload();
    expect(await page.textContent('main')).toContain('We welcome this camera.');
    await audit(page);

    // The approver: the link exactly as mailed (its path and query, on this stack's port).
    const link = await t.client.waitForReviewLink(APPROVER, reference);
    const { page: review } = await newPage();
    await review.goto(`${t.client.apiUrl}${link}`);
    await audit(review);
    await review.check('#outcome-approved');
    await review.fill('#rationale', 'Pressing need is clear and the consultation raised no objection.');
    await review.fill('#conditions', 'Encrypt the back-office link (principle 9) before go-live.');
    // Issue 19: the proposal names no accountable owner, so the approver names who meets the condition.
    await review.fill('#conditionsOwner', 'Head of ANPR (Superintendent)');
    await Promise.all([review.waitForLoadState(), review.click('button:has-text("Record decision")')]);
    expect(await review.textContent('h1')).toBe('Decision recorded');
    await audit(review);
    await t.client.waitForStatus(proposalId, ['approved']);
    await page.reload();
    expect(await page.textContent('main')).toContain('Approved by');
    await audit(page);
    await managerContext.close();

    const { page: auditor } = await newPage();
    await signIn(auditor, t.client.apiUrl, 'auditor', 'auditor.web@police.example');
    await auditor.goto(`${t.client.apiUrl}/app/decisions?outcome=approved&cameraType=ANPR`);
    expect(await auditor.textContent('main')).toContain(reference);
    await audit(auditor);
    const [download] = await Promise.all([
      auditor.waitForEvent('download'),
      auditor.click('text=Download these decisions as CSV'),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.split('\n')[0]).toContain('sequence,decisionId');
    expect(csv).toContain(reference);
    await auditor.click(`table a >> nth=0`);
    expect(await auditor.textContent('main')).toMatch(/[0-9a-f]{64}/);
    await audit(auditor);
    await auditor.goto(`${t.client.apiUrl}/app/audit/verify`);
    expect(await auditor.textContent('main')).toContain('The chain is intact');
    await audit(auditor);
    await auditor.goto(proposalUrl);
    await audit(auditor);

    expect(violations).toEqual([]);
    // Issue 20 added the full form to this walk: about forty more fields, each page audited.
  }, 120_000);
});

describe('drafts (issue 20)', () => {
  it('saves a half-filled proposal as a draft for this manager, lists it, and opens it later as typed', async () => {
    violations.length = 0;
    const { page } = await newPage();
    await signIn(page, t.client.apiUrl, 'manager', 'manager.draft@police.example');
    await page.goto(`${t.client.apiUrl}/app/proposals/new`);
    await page.fill('#f-title', 'ANPR - Rolvenden crossroads (draft)');
    await page.fill('#f-publicArea', 'Rolvenden');
    await page.check('#f-checklist-0-met-yes');
    await page.fill('#f-lawfulBasis', 'Too short');
    const before = (await t.client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    await Promise.all([
      page.waitForURL(/\/app\/proposals\/new\?draft=/),
      page.click('button[value=save-draft]'),
    ]);
    expect(await page.textContent('#draft-saved')).toContain('Draft saved');
    // Nothing is checked or opened: a draft is not a proposal.
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(await page.inputValue('#f-title')).toBe('ANPR - Rolvenden crossroads (draft)');
    expect(await page.locator('#f-checklist-0-met-yes').isChecked()).toBe(true);
    await audit(page);
    const after = (await t.client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    expect(after).toBe(before);

    await page.goto(`${t.client.apiUrl}/app/proposals`);
    expect(await page.textContent('#drafts + p + ul')).toContain('ANPR - Rolvenden crossroads (draft)');
    await audit(page);
    // Another manager does not see it.
    const { page: other } = await newPage();
    await signIn(other, t.client.apiUrl, 'manager', 'manager.other@police.example');
    await other.goto(`${t.client.apiUrl}/app/proposals`);
    expect(await other.locator('#drafts').count()).toBe(0);

    await Promise.all([page.waitForURL(/draft=/), page.click('text=ANPR - Rolvenden crossroads (draft)')]);
    await fillProposalForm(page, {
      title: 'ANPR - Rolvenden crossroads',
      publicArea: 'Rolvenden',
      consulteesCsv: 'Cllr Draft, cllr.draft@rolvenden.example, Rolvenden Parish Council',
      approverName: 'Ch Supt Draft',
      approverEmail: 'approver.draft@police.example',
      deadline: deadlineInHours(48),
    });
    await fillAssessment(page);
    await Promise.all([
      page.waitForURL(/\/app\/proposals\/[0-9a-f-]{36}$/),
      page.click('button[value=submit]'),
    ]);
    expect(await page.textContent('main')).toContain('Complete: every part an approval needs is recorded.');
    await page.goto(`${t.client.apiUrl}/app/proposals`);
    expect(await page.locator('#drafts').count()).toBe(0);
    expect(violations).toEqual([]);
  }, 60_000);
});

describe('refusals', () => {
  it('shows every error of a bad form next to its field, keeps the input and stores nothing', async () => {
    violations.length = 0;
    const before = (await t.client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    const { page } = await newPage();
    await signIn(page, t.client.apiUrl, 'manager', 'manager.bad@police.example');
    await page.goto(`${t.client.apiUrl}/app/proposals/new`);
    await page.fill('#f-title', 'No');
    await page.fill('#f-site-latitude', 'north');
    await page.fill('#f-consulteesCsv', 'Cllr Bad, not-an-address, Somewhere');
    await page.selectOption('#f-justification-seriousCrime-rating', '4');
    const response = await Promise.all([
      page.waitForResponse(/\/app\/proposals$/),
      page.click('button[value=submit]'),
    ]);
    expect(response[0].status()).toBe(400);
    const summary = await page.locator('.error-summary li').allTextContents();
    for (const expected of [
      'Title: Must be at least 3 characters',
      'Camera type: Required',
      'Public area: Must be at least 2 characters',
      'Site description: Required',
      'Latitude: Latitude must be a number',
      'Longitude: Required',
      'Serious, organised and major crime evidence: Evidence of at least 20 characters',
      'Consultees: Line 1 (email): Invalid email address',
      'Response deadline: Required',
      'Approver name: Required',
      'Approver e-mail: Required',
    ]) {
      expect(summary).toContainEqual(expect.stringContaining(expected));
    }
    // Each error sits by its field, and what was typed is still there.
    expect(await page.locator('#f-title[aria-invalid=true]').inputValue()).toBe('No');
    expect(await page.locator('#f-site-latitude').inputValue()).toBe('north');
    expect(await page.locator('#f-consulteesCsv').inputValue()).toBe('Cllr Bad, not-an-address, Somewhere');
    expect(await page.locator('.invalid .error').count()).toBeGreaterThanOrEqual(summary.length - 1);
    await audit(page);
    const after = (await t.client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    expect(after).toBe(before);
    expect(violations).toEqual([]);
  });

  it('refuses a form post without the CSRF token, and nothing changes', async () => {
    const { context, page } = await newPage();
    await signIn(page, t.client.apiUrl, 'manager', 'manager.csrf@police.example');
    const before = (await t.client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    const answer = await context.request.post(`${t.client.apiUrl}/app/proposals`, {
      form: { title: 'Forged', action: 'submit' },
      maxRedirects: 0,
    });
    expect(answer.status()).toBe(403);
    expect(await answer.text()).toContain('Nothing was changed');
    const forged = await context.request.post(`${t.client.apiUrl}/app/proposals`, {
      form: { title: 'Forged', action: 'submit', csrf: 'not-the-token' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    const after = (await t.client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    expect(after).toBe(before);
  });

  it('keeps auditors from manager actions and managers from the verify page (403 pages)', async () => {
    violations.length = 0;
    const { context, page } = await newPage();
    await signIn(page, t.client.apiUrl, 'auditor', 'auditor.roles@police.example');
    const refused = await page.goto(`${t.client.apiUrl}/app/proposals/new`);
    expect(refused?.status()).toBe(403);
    expect(await page.textContent('h1')).toBe('You cannot do this');
    await audit(page);
    const post = await context.request.post(`${t.client.apiUrl}/app/proposals`, {
      form: { title: 'x' },
      maxRedirects: 0,
    });
    expect(post.status()).toBe(403);

    const { page: manager } = await newPage();
    await signIn(manager, t.client.apiUrl, 'manager', 'manager.roles@police.example');
    const verify = await manager.goto(`${t.client.apiUrl}/app/audit/verify`);
    expect(verify?.status()).toBe(403);
    await audit(manager);

    const { page: anonymous } = await newPage();
    await anonymous.goto(`${t.client.apiUrl}/app/decisions`);
    expect(new URL(anonymous.url()).pathname).toBe('/sign-in');
    expect(violations).toEqual([]);
  });
});
