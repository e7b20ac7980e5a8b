// The DPIA document in real Chromium (SPEC 11): a manager finds it from the proposal page, it reads
// as a draft until decided, the public edition leaves the site out, the PDF link downloads a PDF,
// and axe finds no serious or critical violation on either edition.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { proposalInput, type TestStack } from '../support/stack.js';
import { seriousViolations, signIn, useBrowserStack } from './support.js';

let t: TestStack;
let browser: Browser;

useBrowserStack((stack, chromium) => {
  t = stack;
  browser = chromium;
});

describe('the DPIA document page', () => {
  it('opens from the proposal page, reads as a draft, and passes axe in both editions', async () => {
    const input = proposalInput({ consultees: 2, tag: 'docweb' });
    Object.assign(input, {
      risks: [
        {
          description: 'Residents read routinely',
          likelihood: 3,
          severity: 2,
          mitigation: '90-day access limit',
        },
      ],
    });
    const created = await t.client.api<{ proposalId: string }>('manager', 'POST', '/proposals', input);
    expect(created.status).toBe(201);
    const { proposalId } = created.body;
    await t.client.waitForStatus(proposalId, ['consulting']);

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, t.client.apiUrl, 'manager', 'manager.doc@police.example');
    await page.goto(`${t.client.apiUrl}/app/proposals/${proposalId}`);
    await Promise.all([page.waitForURL(/\/dpia$/), page.click('text=Open the DPIA document')]);

    expect(await page.locator('h2').allTextContents()).toEqual([
      'Step 1: Identify the need for a DPIA',
      'Step 2: Describe the processing',
      'Step 3: Consultation process',
      'Step 4: Assess necessity and proportionality',
      'Step 5: Identify and assess risks',
      'Step 6: Identify measures to reduce risk',
      'Step 7: Sign off and record outcomes',
    ]);
    await expect(page.locator('.draft').first().textContent()).resolves.toBe('DRAFT - not yet decided');
    expect(await page.locator('svg[role=img] circle').count()).toBe(2);
    expect(await page.textContent('body')).toContain('Smallhythe Road');
    const violations = await seriousViolations(page);

    await page.goto(`${t.client.apiUrl}/app/proposals/${proposalId}/dpia?edition=public`);
    expect(await page.textContent('body')).not.toContain('Smallhythe Road');
    expect(await page.textContent('body')).toContain('Public edition');
    violations.push(...(await seriousViolations(page)));
    expect(violations).toEqual([]);

    await page.goto(`${t.client.apiUrl}/app/proposals/${proposalId}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Download the DPIA (PDF)'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^DPIA-\d{4}-\d{4}\.pdf$/);
    await context.close();
  }, 90_000);
});
