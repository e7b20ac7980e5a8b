// The manager's day in real Chromium on a real local stack (issue 20), axe on every page visited:
// consultees pasted from a spreadsheet and uploaded as CSV, withdrawing with a reason (and what the
// approver's dead link then says), a used review link, and the pages on a 390 px phone.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { proposalInput } from '../support/stack.js';
import { browserTestStack } from './browser-stack.js';
import { deadlineInHours, fillProposalForm, seriousViolations, signIn } from './support.js';

const t = browserTestStack();
const violations: string[] = [];

async function audit(page: Page): Promise<void> {
  violations.push(...(await seriousViolations(page)));
}

async function manager(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await (await t.browser.newContext({ viewport })).newPage();
  await signIn(page, t.client.apiUrl, 'manager', 'manager.day@police.example');
  return page;
}

type Detail = {
  reference: string;
  status: string;
  consultation: { consultees: { name: string; email: string; organisation: string | null }[] };
  timeline: { event: string; detail: string }[];
};

/** A proposal opened through the API, consulting, with its consultation mail out. */
async function consulting(tag: string, consultees = 1) {
  const input = proposalInput({ consultees, tag });
  const created = (
    await t.client.api<{ proposalId: string; reference: string }>('manager', 'POST', '/proposals', input)
  ).body;
  await t.client.waitForStatus(created.proposalId, ['consulting']);
  await t.client.waitFor('the consultation mail', async () =>
    (await t.client.mailTo(input.consultees[consultees - 1]?.email as string, created.reference)).length
      ? true
      : undefined,
  );
  return { input, ...created };
}

/** The review link of a proposal whose only consultee replied (so the consultation closed early). */
async function awaitingApproval(tag: string) {
  const p = await consulting(tag);
  await t.client.replyAsConsultee(p.input.consultees[0]?.email as string, p.reference, 'SUPPORT', 'Agreed.');
  const link = await t.client.waitForReviewLink(p.input.approver.email, p.reference);
  return { ...p, link };
}

describe('consultees in bulk on the new-proposal form', () => {
  /** The new-proposal form with consultees pasted from a spreadsheet and others in an uploaded CSV. */
  async function fillBulkForm(page: Page, title: string, pasted: string, uploaded: string) {
    await fillProposalForm(page, {
      title,
      publicArea: 'Tenterden',
      consulteesCsv: pasted,
      approverName: 'Ch Supt Bulk',
      approverEmail: 'approver.bulk@police.example',
      deadline: deadlineInHours(24 * 20),
    });
    await page.setInputFiles('#f-consulteesFile', {
      name: 'consultees.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(uploaded),
    });
  }

  /** Sends the form; the answer to the post. */
  async function submit(page: Page) {
    const [response] = await Promise.all([
      page.waitForResponse(/\/app\/proposals$/),
      page.click('button[value=submit]'),
    ]);
    return response;
  }

  it('takes a range pasted from a spreadsheet with its header row, and an uploaded CSV file', async () => {
    violations.length = 0;
    const page = await manager();
    await page.goto(`${t.client.apiUrl}/app/proposals/new`);
    await audit(page);
    const pasted = [
      'Name\tOrganisation\tWard\tEmail',
      'Cllr Paste One\tTenterden Town Council\tNorth\tpaste.one@tenterden.example',
      'Cllr Paste Two\tRolvenden Parish Council\t\tpaste.two@rolvenden.example',
    ].join('\n');
    await fillBulkForm(
      page,
      'ANPR on the A28 (bulk consultees)',
      pasted,
      '\ufeffName,Email,Organisation\n"Evans, Siân",s.evans@ashford.example,Ashford Borough Council\n',
    );
    // An error elsewhere: the form comes back, and the uploaded file is kept with it (a browser
    // cannot refill a file input), so the manager fixes the title and sends it again as it is.
    await page.fill('#f-title', '');
    expect((await submit(page)).status()).toBe(400);
    expect(await page.textContent('#f-consulteesFile-hint')).toContain('The file you uploaded is kept');
    await audit(page);
    await page.fill('#f-title', 'ANPR on the A28 (bulk consultees)');
    await Promise.all([
      page.waitForURL(/\/app\/proposals\/[0-9a-f-]{36}$/),
      page.click('button[value=submit]'),
    ]);
    const proposalId = page.url().split('/').at(-1) as string;
    const detail = (await t.client.api<Detail>('manager', 'GET', `/proposals/${proposalId}`)).body;
    expect(detail.consultation.consultees.map((c) => [c.name, c.email, c.organisation])).toEqual([
      ['Cllr Paste One', 'paste.one@tenterden.example', 'Tenterden Town Council'],
      ['Cllr Paste Two', 'paste.two@rolvenden.example', 'Rolvenden Parish Council'],
      ['Evans, Siân', 's.evans@ashford.example', 'Ashford Borough Council'],
    ]);
    await audit(page);
    expect(violations).toEqual([]);
  });

  it('names the line of a bad row, pasted or uploaded, next to its field, and stores nothing', async () => {
    violations.length = 0;
    const before = (await t.client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    const page = await manager();
    await page.goto(`${t.client.apiUrl}/app/proposals/new`);
    await fillBulkForm(
      page,
      'ANPR on the A28 (bad bulk)',
      'Name\tEmail\nCllr Fine\tfine@tenterden.example\nCllr Blank\t',
      'Name,Email\nCllr Typo,typo-at-example\n',
    );
    expect((await submit(page)).status()).toBe(400);
    const summary = await page.locator('.error-summary li').allTextContents();
    expect(summary).toContainEqual(expect.stringContaining('Consultees: Line 3: the e-mail column is empty'));
    expect(summary).toContainEqual(expect.stringContaining('Consultee file: Uploaded file, line 2 (email)'));
    expect(await page.locator('#f-consulteesFile[aria-invalid=true]').count()).toBe(1);
    expect(await page.locator('#f-consulteesCsv').inputValue()).toContain('Cllr Blank');
    await audit(page);
    const after = (await t.client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    expect(after).toBe(before);
    expect(violations).toEqual([]);
  });
});

describe('withdrawing with a reason', () => {
  it('asks why, records it, tells the approver, whose link then says the proposal was withdrawn and why', async () => {
    violations.length = 0;
    const p = await awaitingApproval('withdraw-web');
    const page = await manager();
    await page.goto(`${t.client.apiUrl}/app/proposals/${p.proposalId}`);
    await page.click('text=Withdraw this proposal');
    await audit(page);
    const [refused] = await Promise.all([
      page.waitForResponse(/\/withdraw$/),
      page.click(`button:has-text("Yes, withdraw ${p.reference}")`),
    ]);
    expect(refused.status()).toBe(400);
    expect(await page.locator('.error-summary li').allTextContents()).toEqual([
      'Give the reason for withdrawing: it is sent to the consultees and the approver',
    ]);
    expect(await page.locator('#reason[aria-invalid=true]').count()).toBe(1);
    await audit(page);
    expect((await t.client.api<Detail>('manager', 'GET', `/proposals/${p.proposalId}`)).body.status).toBe(
      'awaiting-approval',
    );

    await page.fill('#reason', 'Too short');
    await Promise.all([
      page.waitForResponse(/\/withdraw$/),
      page.click(`button:has-text("Yes, withdraw ${p.reference}")`),
    ]);
    expect(await page.locator('#reason-error').textContent()).toBe(
      'Give the reason in at least 10 characters',
    );
    expect(await page.locator('#reason').inputValue()).toBe('Too short');

    const reason = 'The highway authority is rebuilding the junction; we will propose again after.';
    await page.fill('#reason', reason);
    await Promise.all([
      page.waitForURL(new RegExp(`/app/proposals/${p.proposalId}$`)),
      page.click(`button:has-text("Yes, withdraw ${p.reference}")`),
    ]);
    expect(await page.textContent('main')).toContain(`Reason: ${reason}`);
    await audit(page);
    const mail = await t.client.waitFor('the approver told', async () =>
      (await t.client.mailTo(p.input.approver.email, p.reference)).find((m) =>
        m.subject.startsWith('Withdrawn:'),
      ),
    );
    expect(mail.body?.text).toContain(reason);

    const approver = await (await t.browser.newContext()).newPage();
    const gone = await approver.goto(`${t.client.apiUrl}${p.link}`);
    expect(gone?.status()).toBe(410);
    expect(await approver.textContent('h1')).toBe('This proposal was withdrawn');
    expect(await approver.textContent('main')).toContain(`The reason given: ${reason}`);
    expect(await approver.textContent('main')).not.toContain('manager.day');
    await audit(approver);
    expect(violations).toEqual([]);
  });

  it('says at the top of a used review link that the proposal was already decided', async () => {
    violations.length = 0;
    const p = await awaitingApproval('used-link');
    const approver = await (await t.browser.newContext()).newPage();
    await approver.goto(`${t.client.apiUrl}${p.link}`);
    await approver.check('#outcome-rejected');
    await approver.fill('#rationale', 'The need is not shown for this junction at this time.');
    // A rejection despite support answers it (issue 19).
    await approver.fill(
      '#consulteeResponse',
      'The support of the consultees does not show a need at this junction that outweighs the intrusion.',
    );
    await Promise.all([approver.waitForLoadState(), approver.click('button:has-text("Record decision")')]);
    expect(await approver.textContent('h1')).toBe('Decision recorded');
    const again = await approver.goto(`${t.client.apiUrl}${p.link}`);
    expect(again?.status()).toBe(409);
    // The first thing under the title, before the proposal itself.
    const first = approver.locator('main > :nth-child(2)');
    expect(await first.getAttribute('id')).toBe('already-decided');
    expect(await first.textContent()).toContain('This proposal has already been decided');
    expect(await first.textContent()).toContain('It was rejected by');
    expect(await approver.locator('form textarea#rationale').count()).toBe(0);
    await audit(approver);
    expect(violations).toEqual([]);
  });
});

/** What a 390 px phone shows of the page: nothing wider than the screen, and the named parts on it. */
async function fitsPhone(page: Page, selectors: string[]): Promise<void> {
  // Strings: the test's TypeScript has no DOM types; the page's JavaScript has.
  const sizes = await page.evaluate<{ scroll: number; client: number }>(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  );
  expect(sizes.scroll, page.url()).toBeLessThanOrEqual(sizes.client);
  for (const selector of selectors) {
    const boxes = await page.evaluate<{ left: number; right: number; width: number; clipped: boolean }[]>(
      `[...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => {
        const r = el.getBoundingClientRect();
        // In a box of its own that scrolls sideways, part of it would be out of sight.
        let clipped = false;
        for (let p = el.parentElement; p; p = p.parentElement) {
          if (p.scrollWidth > p.clientWidth && getComputedStyle(p).overflowX !== 'visible') clipped = true;
        }
        return { left: r.left, right: r.right, width: r.width, clipped };
      })`,
    );
    expect(boxes.length, selector).toBeGreaterThan(0);
    for (const box of boxes) {
      expect(box, selector).toMatchObject({ clipped: false });
      expect(box.left, selector).toBeGreaterThanOrEqual(0);
      expect(box.right, selector).toBeLessThanOrEqual(390);
      expect(box.width, selector).toBeGreaterThan(0);
    }
  }
}

describe('on a 390 px phone', () => {
  it('shows the list and the proposal page without sideways scrolling, and the diagram text stays readable', async () => {
    violations.length = 0;
    const p = await consulting('phone', 2);
    await t.client.replyAsConsultee(
      p.input.consultees[0]?.email as string,
      p.reference,
      'CONCERNS',
      'Please make sure the signage on the approach road tells drivers the camera is there.',
    );
    await t.client.waitFor('the reply counted', async () => {
      const d = await t.client.api<{ consultation: { responded: number } }>(
        'manager',
        'GET',
        `/proposals/${p.proposalId}`,
      );
      return d.body.consultation.responded === 1 ? true : undefined;
    });
    const page = await manager({ width: 390, height: 844 });
    await page.goto(`${t.client.apiUrl}/app/proposals`);
    await fitsPhone(page, ['table.stack td.status .tag', 'table.stack td.score']);
    await audit(page);

    await page.goto(`${t.client.apiUrl}/app/proposals/${p.proposalId}`);
    await fitsPhone(page, ['main > p .tag[class*=status-]', 'p.score', 'td.comment']);
    expect(await page.locator('td.comment', { hasText: 'signage on the approach road' }).count()).toBe(1);
    // Each step of the diagram is drawn at 12 CSS px or more (its box scrolls rather than shrinks).
    const sizes = await page.evaluate<number[]>(
      `[...document.querySelectorAll('.diagram g text')].map(
        (el) => (el.getScreenCTM()?.a ?? 0) * Number.parseFloat(getComputedStyle(el).fontSize),
      )`,
    );
    expect(sizes.length).toBeGreaterThan(5);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    expect(await page.locator('.diagram-scroll[tabindex="0"]').count()).toBe(1);
    await audit(page);
    expect(violations).toEqual([]);
  }, 60_000);
});
