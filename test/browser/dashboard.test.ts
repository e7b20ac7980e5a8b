// The dashboard in real Chromium: reached from the banner, axe-clean at desktop width and at
// 390 px, nothing wider than a phone, a text alternative and a caption for every chart, the
// months filter refusing a bad period beside the field, and a print view without the navigation.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recentMonths } from '../../functions/stats/months.js';
import { seedMonths, seedOverdueReviews } from '../support/dashboard.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { launchChromium, seriousViolations, signIn } from './support.js';

let t: TestStack;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestStack(), launchChromium()]);
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  await seedMonths(dynamo, recentMonths(new Date(), 12));
  await seedOverdueReviews(dynamo, ['2025-11-30', '2026-01-15']);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the dashboard page', () => {
  it('is one click from the banner, clean under axe at 1280 and 390 px, and fits a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, t.client.apiUrl, 'auditor', 'auditor.dash@police.example');
    await page.click('header nav a:has-text("Dashboard")');
    await page.waitForURL(/\/app\/dashboard$/);
    expect(await page.locator('h1').textContent()).toBe('Dashboard');
    expect(await page.locator('header nav a[aria-current=page]').textContent()).toBe('Dashboard');
    expect(await seriousViolations(page)).toEqual([]);

    // Each chart: an image with a name and a description, a visible caption saying the same, a table.
    const charts = page.locator('figure.chart');
    expect(await charts.count()).toBe(4);
    for (const chart of await charts.all()) {
      const svg = chart.locator('svg[role=img]');
      const [titleId, descId] = ((await svg.getAttribute('aria-labelledby')) ?? '').split(' ');
      const desc = (await svg.locator(`desc#${descId}`).textContent()) ?? '';
      expect(await svg.locator(`title#${titleId}`).textContent()).not.toBe('');
      expect(desc.length).toBeGreaterThan(40);
      expect(await chart.locator('figcaption').textContent()).toContain(desc);
      expect(await chart.locator('xpath=following-sibling::div[1]//table').count()).toBe(1);
    }
    expect(await page.locator('#decisions-heading ~ .table-wrap tbody tr').count()).toBe(12);
    expect(await page.locator('text=DPIA-2025-0031').count()).toBe(1);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing makes the page scroll sideways (wide tables scroll within their own box).
    expect(await page.locator('html').evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(390);
    const svgWidth = await page
      .locator('figure.chart svg')
      .first()
      .evaluate((e) => e.getBoundingClientRect().width);
    expect(svgWidth).toBeLessThanOrEqual(390);
    await context.close();
  }, 60_000);

  it('refuses a period beyond 36 months beside the field, and prints without the navigation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, t.client.apiUrl, 'manager', 'manager.dash@police.example');
    await page.click('header nav a:has-text("Dashboard")');
    // The field's own min and max stop the form in a browser; a typed or old link still arrives.
    await page.goto(`${t.client.apiUrl}/app/dashboard?months=40`);
    expect(await page.locator('.error-summary').textContent()).toContain(
      'months must be a whole number from 1 to 36',
    );
    expect(await page.locator('#months').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);

    await page.fill('#months', '3');
    await Promise.all([page.waitForURL(/months=3$/), page.click('button:has-text("Show")')]);
    expect(await page.locator('#decisions-heading ~ .table-wrap tbody tr').count()).toBe(3);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header nav').isVisible()).toBe(false);
    expect(await page.locator('figure.chart svg').first().isVisible()).toBe(true);
    await context.close();
  }, 60_000);
});
