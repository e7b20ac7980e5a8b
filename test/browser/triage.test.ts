// Triage on the manager's proposal page (issues 16 and 20) in real Chromium on a real local stack:
// an unclassified reply gets its stance with a reason, a reply from another address shows its
// sender, comment and stance read and is accepted with a reason; axe finds no serious or critical
// violation on the page before, between and after.
import { describe, expect, it } from 'vitest';
import { proposalInput } from '../support/stack.js';
import { browserTestStack } from './browser-stack.js';
import { seriousViolations, signIn } from './support.js';

const t = browserTestStack();

describe('triage on the proposal page', () => {
  it('sets the stance of an unclassified reply and accepts a reply from another address, with reasons', async () => {
    const input = proposalInput({ consultees: 2, tag: 'triage-web' });
    const [first, second] = input.consultees.map((c) => c.email) as [string, string];
    const { proposalId, reference } = await t.client.openProposal(input);
    for (const email of [first, second]) {
      await t.client.waitFor('the letter', async () => (await t.client.mailTo(email, reference)).length > 0);
    }
    await t.client.replyAsConsultee(
      first,
      reference,
      'Should a town council reply SUPPORT, CONCERNS or OBJECT?',
    );
    await t.client.replyAsConsultee(
      second,
      reference,
      'We fully support the cameras on the A28.',
      '',
      'office@tenterden-tc.example',
    );
    await t.client.waitFor('both replies', async () => {
      const d = await t.client.api<{ consultation: { replies: unknown[] } }>(
        'manager',
        'GET',
        `/proposals/${proposalId}`,
      );
      return d.body.consultation.replies.length === 2;
    });

    const violations: string[] = [];
    const page = await (await t.browser.newContext()).newPage();
    await signIn(page, t.client.apiUrl, 'manager', 'manager.triage@police.example');
    await page.goto(`${t.client.apiUrl}/app/proposals/${proposalId}`);
    violations.push(...(await seriousViolations(page)));

    const tallyCount = (label: string) =>
      page
        .locator('h3:text-is("Tally of counted responses") + table')
        .locator('tr', { has: page.locator(`th:text-is("${label}")`) })
        .locator('td.num');
    // The held reply: who sent it, what it says, the stance read, and that it is not counted.
    const held = page.locator('tr.held');
    await expect(held.textContent()).resolves.toContain('office@tenterden-tc.example');
    await expect(held.textContent()).resolves.toContain('We fully support the cameras');
    await expect(held.locator('dd').nth(2).textContent()).resolves.toContain('Support');
    await expect(tallyCount('Support').textContent()).resolves.toBe('0');

    // The unclassified reply: its form is open; choose a stance and give a reason.
    const form = page.locator('details[open]').first();
    await expect(form.locator('summary').textContent()).resolves.toContain('Set the stance');
    await form.locator('select').selectOption('unclassified');
    await form
      .locator('textarea')
      .fill('Only asks how to answer; rang the clerk, who says the council has concerns.');
    await form.locator('select').selectOption('concerns');
    await Promise.all([page.waitForURL(/#consultees$/), form.locator('button').click()]);
    violations.push(...(await seriousViolations(page)));
    await expect(tallyCount('Concerns').textContent()).resolves.toBe('1');
    await expect(tallyCount('Unclassified').textContent()).resolves.toBe('0');
    await expect(page.locator('text=Read as Unclassified').count()).resolves.toBe(1);

    // Accept the held reply with a reason: it then counts.
    await page
      .locator('tr.held input[name=reason]')
      .fill('The town clerk answers for the council from the office.');
    await Promise.all([page.waitForURL(/#consultees$/), page.click('text=Accept this reply')]);
    violations.push(...(await seriousViolations(page)));
    await expect(page.locator('tr.held').count()).resolves.toBe(0);
    await expect(tallyCount('Support').textContent()).resolves.toBe('1');
    const timeline = await page.locator('body').textContent();
    expect(timeline).toContain('rang the clerk');
    expect(timeline).toContain('answers for the council from the office');
    expect(violations).toEqual([]);
  }, 120_000);
});
