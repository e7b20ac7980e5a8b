// The public camera register in real Chromium (SPEC 11): read signed out at desktop width and on a
// 390 px phone, filtered with its form, paged with its link, its DPIA link followed to the public
// edition, printed; axe finds nothing serious, the phone never scrolls sideways, no cookie is set.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putItems, sampleRegisterItems } from '../support/register.js';
import { answerLetter, proposalInput, startTestStack, type TestStack } from '../support/stack.js';
import { launchChromium, seriousViolations } from './support.js';

let t: TestStack;
let browser: Browser;
let approved: string;

/** One proposal through the real lifecycle, so its register link opens a real DPIA. */
async function approveOne(): Promise<string> {
  const input = proposalInput({ consultees: 1, tag: 'regweb' });
  const email = input.consultees[0]?.email as string;
  const { proposalId, reference } = await t.client.openProposal(input);
  await answerLetter(t.client, email, reference, 'SUPPORT', 'Long overdue.');
  await t.client.waitForStatus(proposalId, ['awaiting-approval']);
  const link = new URL(await t.client.waitForReviewLink(input.approver.email, reference), t.client.apiUrl);
  const decided = await t.client.postSignedForm(link, {
    outcome: 'approved',
    rationale: 'A clear pressing need, supported in consultation.',
    // Issue 19: a decision against a consultee's view gives reasons that address it.
    consulteeResponse:
      'The objection and concerns are met by the 90-day access limit, the annual review and not disclosing the site.',
    conditions: 'Confirm encryption at rest before go-live.',
  });
  expect(decided.status).toBe(200);
  await t.client.waitForStatus(proposalId, ['approved']);
  return reference;
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestStack(), launchChromium()]);
  await putItems(sampleRegisterItems());
  approved = await approveOne();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function open(width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  return context.newPage();
}

const headings = (page: Page) => page.locator('h2.camera-type').allTextContents();

describe('the public register page', () => {
  it('reads signed out at desktop width: a heading per camera type, filters, pages, the DPIA', async () => {
    const page = await open(1280);
    await page.goto(`${t.client.apiUrl}/register`);
    expect(await page.locator('h1').textContent()).toBe('Surveillance camera register');
    expect(await headings(page)).toEqual([
      'Automatic Number Plate Recognition (ANPR)',
      'Body Worn Video (BWV)',
      'Closed Circuit Television (CCTV)',
      'Drones',
      'Speed detection',
    ]);
    const anpr = page.locator('table[aria-labelledby=type-anpr] tbody tr');
    expect(await anpr.count()).toBe(4);
    expect(await page.locator('main').textContent()).toContain('Not recorded');
    const violations = await seriousViolations(page);

    await page.fill('#area', 'tenterden');
    await page.selectOption('#type', 'ANPR');
    await Promise.all([page.waitForURL(/area=tenterden/), page.click('button:has-text("Show")')]);
    expect(await headings(page)).toEqual(['Automatic Number Plate Recognition (ANPR)']);
    expect(await page.locator('tbody th[scope=row]').allTextContents()).toEqual(['Tenterden', 'Tenterden']);
    expect(await page.textContent('main')).toContain(
      'Showing: Automatic Number Plate Recognition (ANPR) in tenterden',
    );
    violations.push(...(await seriousViolations(page)));

    await page.goto(`${t.client.apiUrl}/register?limit=3`);
    expect(await page.locator('tbody tr').count()).toBe(3);
    await Promise.all([page.waitForURL(/cursor=/), page.click('a[rel=next]')]);
    expect(await page.locator('tbody tr').count()).toBe(3);
    expect(await page.locator('a:has-text("First page")').count()).toBe(1);

    await page.goto(`${t.client.apiUrl}/register?area=Tenterden`);
    await Promise.all([page.waitForURL(/\/dpia$/), page.click(`a[href="/register/${approved}/dpia"]`)]);
    expect(await page.textContent('body')).toContain('Public edition');
    expect(await page.textContent('body')).not.toContain('Smallhythe Road');
    violations.push(...(await seriousViolations(page)));
    expect(violations).toEqual([]);
    expect(await page.context().cookies()).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('fits a 390 px phone with no sideways scrolling, each entry a card with its labels', async () => {
    const page = await open(390);
    await page.goto(`${t.client.apiUrl}/register`);
    // A string: the test's TypeScript has no DOM types; the page's JavaScript has.
    const widths = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    // Each cell says what it is when the table's header row is out of sight.
    const label = await page.evaluate<string>(
      `getComputedStyle(document.querySelector('td[data-label="Accountable owner"]'), '::before').content`,
    );
    expect(label).toBe('"Accountable owner"');
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  }, 30_000);

  it('prints the register without the filter form or the page links', async () => {
    const page = await open(1280);
    await page.goto(`${t.client.apiUrl}/register?limit=3`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('form').isVisible()).toBe(false);
    expect(await page.locator('nav.pages').isVisible()).toBe(false);
    expect(await page.locator('table.register').first().isVisible()).toBe(true);
    await page.context().close();
  }, 30_000);
});
