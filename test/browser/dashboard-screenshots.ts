// Screenshots of the dashboard, desktop (1280 wide) and phone (390 wide), into docs/screenshots/:
// `npx tsx test/browser/dashboard-screenshots.ts`. A fresh local stack with a year of realistic
// counters (test/support/dashboard.ts) and two overdue reviews, seen by a signed-in auditor.
// Kept apart from screenshots.ts so regenerating these leaves the other pages' images alone.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recentMonths } from '../../functions/stats/months.js';
import { seedMonths, seedOverdueReviews } from '../support/dashboard.js';
import { OUT, WIDTHS, withStackAndBrowser } from './screenshot-run.js';
import { signIn } from './support.js';

await withStackAndBrowser(async (t, browser) => {
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  await seedMonths(dynamo, recentMonths(new Date(), 12));
  await seedOverdueReviews(dynamo, ['2025-11-30', '2026-01-15']);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, t.client.apiUrl, 'auditor', 'auditor@police.example');
  for (const [label, width] of Object.entries(WIDTHS)) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${t.client.apiUrl}/app/dashboard`);
    await page.screenshot({ path: `${OUT}web-dashboard-${label}.png`, fullPage: true });
  }
  process.stdout.write('web-dashboard\n');
});
