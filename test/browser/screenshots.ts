// Screenshots of every page, desktop (1280 wide) and phone (390 wide), into docs/screenshots/:
// `npx tsx test/browser/screenshots.ts`. Starts its own local stack in a temporary directory and
// walks one proposal from the form to a verified decision, as the browser test does.
import { mkdirSync } from 'node:fs';
import type { Browser, Cookie } from 'playwright-core';
import { startTestStack } from '../support/stack.js';
import { deadlineInHours, fillProposalForm, launchChromium, signIn } from './support.js';

const OUT = new URL('../../docs/screenshots/', import.meta.url).pathname;
const WIDTHS = { desktop: 1280, mobile: 390 } as const;

async function shoot(browser: Browser, name: string, url: string, cookies: Cookie[]) {
  for (const [label, width] of Object.entries(WIDTHS)) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto(url);
    await page.screenshot({ path: `${OUT}web-${name}-${label}.png`, fullPage: true });
    await context.close();
  }
  process.stdout.write(`web-${name}\n`);
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const t = await startTestStack();
  const browser = await launchChromium();
  const api = t.client.apiUrl;
  try {
    const anonymous = await browser.newContext();
    await shoot(browser, 'front', `${api}/`, []);
    await shoot(browser, 'sign-in', `${api}/sign-in`, []);
    await anonymous.close();

    const managerContext = await browser.newContext();
    const manager = await managerContext.newPage();
    await signIn(manager, api, 'manager', 'manager@police.example');
    const managerCookies = await managerContext.cookies();
    await shoot(browser, 'new-proposal', `${api}/app/proposals/new`, managerCookies);

    // The form with every error showing.
    await manager.goto(`${api}/app/proposals/new`);
    await manager.fill('#f-title', 'No');
    await manager.click('button[value=submit]');
    for (const [label, width] of Object.entries(WIDTHS)) {
      await manager.setViewportSize({ width, height: 900 });
      await manager.screenshot({ path: `${OUT}web-new-proposal-errors-${label}.png`, fullPage: true });
    }

    await manager.setViewportSize({ width: 1280, height: 900 });
    await manager.goto(`${api}/app/proposals/new`);
    const consultees = [
      'm.ashby@tenterden-tc.example',
      'd.holloway@tenterden-tc.example',
      'p.raman@tenterden-tc.example',
    ];
    await fillProposalForm(manager, {
      title: 'ANPR - A28 approach to Tenterden',
      publicArea: 'Tenterden',
      consulteesCsv: [
        `Cllr Margaret Ashby, ${consultees[0]}, Tenterden Town Council`,
        `Cllr David Holloway, ${consultees[1]}, Tenterden Town Council`,
        `Cllr Priya Raman, ${consultees[2]}, Tenterden Town Council`,
      ].join('\n'),
      approverName: 'Ch Supt Sarah Okafor',
      approverEmail: 's.okafor@police.example',
      deadline: deadlineInHours(72),
    });
    await Promise.all([
      manager.waitForURL(/\/app\/proposals\/[0-9a-f-]{36}$/),
      manager.click('button[value=submit]'),
    ]);
    const proposalUrl = manager.url();
    const proposalId = proposalUrl.split('/').at(-1) as string;
    const reference = (await manager.locator('.tag').first().textContent()) ?? '';
    await t.client.waitForStatus(proposalId, ['consulting']);
    await t.client.replyAsConsultee(
      consultees[0] as string,
      reference,
      'SUPPORT',
      'We welcome the camera on the A28.',
    );
    await t.client.replyAsConsultee(
      consultees[1] as string,
      reference,
      'CONCERNS',
      'Please publish the retention policy.',
    );
    await shoot(browser, 'proposal-consulting', proposalUrl, managerCookies);
    await shoot(browser, 'withdraw-confirm', `${proposalUrl}/withdraw`, managerCookies);
    await t.client.replyAsConsultee(consultees[2] as string, reference, 'SUPPORT', 'No objection.');
    await t.client.waitForStatus(proposalId, ['awaiting-approval']);

    const link = await t.client.waitFor('the review link', () =>
      t.client.reviewLink('s.okafor@police.example', reference).catch(() => undefined),
    );
    await shoot(browser, 'review', `${api}${link}`, []);
    const review = await browser.newPage();
    await review.goto(`${api}${link}`);
    await review.check('#outcome-approved');
    await review.fill(
      '#rationale',
      'Pressing need is clear; councillors support it and the concerns are met by conditions.',
    );
    await review.fill('#conditions', 'Publish the retention policy on the force website before go-live.');
    await review.click('button:has-text("Record decision")');
    for (const [label, width] of Object.entries(WIDTHS)) {
      await review.setViewportSize({ width, height: 900 });
      await review.screenshot({ path: `${OUT}web-review-confirmation-${label}.png`, fullPage: true });
    }
    await t.client.waitForStatus(proposalId, ['approved']);
    await shoot(browser, 'review-used-link', `${api}${link}`, []);
    await shoot(browser, 'proposal-approved', proposalUrl, managerCookies);
    await shoot(browser, 'proposals', `${api}/app/proposals`, managerCookies);
    await shoot(browser, 'forbidden', `${api}/app/audit/verify`, managerCookies);

    const auditorContext = await browser.newContext();
    const auditor = await auditorContext.newPage();
    await signIn(auditor, api, 'auditor', 'auditor@police.example');
    const auditorCookies = await auditorContext.cookies();
    await shoot(browser, 'decisions', `${api}/app/decisions`, auditorCookies);
    const decisions = await t.client.api<{ items: { decisionId: string }[] }>('auditor', 'GET', '/decisions');
    await shoot(
      browser,
      'decision',
      `${api}/app/decisions/${decisions.body.items[0]?.decisionId}`,
      auditorCookies,
    );
    await shoot(browser, 'verify', `${api}/app/audit/verify`, auditorCookies);
  } finally {
    await browser.close();
    await t.close();
  }
}

await main();
