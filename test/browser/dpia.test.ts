// The DPIA document in real Chromium (SPEC 11): a manager finds it from the proposal page, it reads
// as a draft until decided, the public edition leaves the site out, the PDF link downloads a PDF,
// and axe finds no serious or critical violation on either edition.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proposalInput } from '../support/stack.js';
import { browserTestStack } from './browser-stack.js';
import { seriousViolations, signIn } from './support.js';

const t = browserTestStack();

/** The ICO sample DPIA template's section headings, word for word, kept apart from the product's copy. */
const ICO_HEADINGS: string[] = JSON.parse(
  readFileSync(new URL('../fixtures/dpia/ico-section-headings.json', import.meta.url), 'utf8'),
);

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

    const context = await t.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, t.client.apiUrl, 'manager', 'manager.doc@police.example');
    await page.goto(`${t.client.apiUrl}/app/proposals/${proposalId}`);
    await Promise.all([page.waitForURL(/\/dpia$/), page.click('text=Open the DPIA document')]);

    expect(await page.locator('h2').allTextContents()).toEqual(ICO_HEADINGS);
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
