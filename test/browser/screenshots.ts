// Screenshots of every page, desktop (1280 wide) and phone (390 wide), into docs/screenshots/:
// `npx tsx test/browser/screenshots.ts`. Starts its own local stack in a temporary directory and
// walks one proposal from the form to a verified decision, as the browser test does.
import { readFileSync } from 'node:fs';
import type { Browser, Cookie } from 'playwright-core';
import { proposalInput, type TestStack } from '../support/stack.js';
import { OUT, WIDTHS, withStackAndBrowser } from './screenshot-run.js';
import { deadlineInHours, fillProposalForm, signIn } from './support.js';

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

async function main(t: TestStack, browser: Browser) {
  const api = t.client.apiUrl;
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
    // As copied from a spreadsheet: tab-separated, with its header row (issue 20).
    consulteesCsv: [
      'Name\tEmail\tOrganisation',
      `Cllr Margaret Ashby\t${consultees[0]}\tTenterden Town Council`,
      `Cllr David Holloway\t${consultees[1]}\tTenterden Town Council`,
      `Cllr Priya Raman\t${consultees[2]}\tTenterden Town Council`,
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
  // The manager completes the assessment while consulting (issue 19): the page first shows what
  // approval still needs, then the example's risks, principles, screening and regime are saved.
  await shoot(browser, 'assessment', `${proposalUrl}/assessment`, managerCookies);
  const example = JSON.parse(
    readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8'),
  );
  const fields = [
    'checklist',
    'risks',
    'alternativesConsidered',
    'screening',
    'legalRegime',
    'lawfulBasis',
    'dataCategories',
    'recipients',
  ];
  const completed = await t.client.api(
    'manager',
    'PUT',
    `/proposals/${proposalId}/assessment`,
    Object.fromEntries(fields.map((f) => [f, example[f]])),
  );
  if (completed.status !== 200)
    throw new Error(`assessment not saved: ${completed.status} ${completed.text}`);
  // The letters go out paced under SES's rate: wait until the last consultee has theirs.
  await t.client.waitFor('the consultation letters', async () =>
    (await t.client.mailTo(consultees[2] as string, reference)).length > 0 ? true : undefined,
  );
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

  const link = await t.client.waitForReviewLink('s.okafor@police.example', reference);
  await shoot(browser, 'review', `${api}${link}`, []);
  const review = await browser.newPage();
  await review.goto(`${api}${link}`);
  await review.check('#outcome-approved');
  await review.fill(
    '#rationale',
    'Pressing need is clear; councillors support it and the concerns are met by conditions.',
  );
  await review.fill('#conditions', 'Publish the retention policy on the force website before go-live.');
  await review.fill('#conditionsOwner', 'Force Data Protection Officer');
  // Approving despite an objection answers it (issue 19).
  await review.fill(
    '#consulteeResponse',
    'The objection on intrusion is met by the retention limits and the conditions; the need outweighs it.',
  );
  await Promise.all([review.waitForLoadState(), review.click('button:has-text("Record decision")')]);
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
  await withdrawnShots(browser, t, managerCookies);
  await documentShots(browser, t, managerCookies);
}

/** Issue 20: the withdraw page refusing a missing reason, and the approver's link once withdrawn (410). */
async function withdrawnShots(browser: Browser, t: TestStack, cookies: Cookie[]) {
  const api = t.client.apiUrl;
  const input = proposalInput({ consultees: 1, tag: 'withdrawn' });
  const { proposalId, reference } = (
    await t.client.api<{ proposalId: string; reference: string }>('manager', 'POST', '/proposals', input)
  ).body;
  await t.client.waitForStatus(proposalId, ['consulting']);
  const consultee = input.consultees[0]?.email as string;
  await t.client.waitFor('the consultation mail', async () =>
    (await t.client.mailTo(consultee, reference)).length > 0 ? true : undefined,
  );
  await t.client.replyAsConsultee(consultee, reference, 'SUPPORT', 'No objection.');
  const link = await t.client.waitForReviewLink(input.approver.email, reference);
  for (const [label, width] of Object.entries(WIDTHS)) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto(`${api}/app/proposals/${proposalId}/withdraw`);
    await page.click(`button:has-text("Yes, withdraw ${reference}")`);
    await page.screenshot({ path: `${OUT}web-withdraw-errors-${label}.png`, fullPage: true });
    await context.close();
  }
  process.stdout.write('web-withdraw-errors\n');
  await t.client.api('manager', 'POST', `/proposals/${proposalId}/withdraw`, {
    reason: 'The highway authority is rebuilding the junction next spring; we will propose again after.',
  });
  await shoot(browser, 'review-withdrawn', `${api}${link}`, []);
}

/**
 * The DPO's advice page (SPEC 10), then the DPIA document (SPEC 11) of the decided proposal, which
 * lists risks: its first page, the risk section with the matrix, and the public edition's first page.
 */
async function documentShots(browser: Browser, t: TestStack, cookies: Cookie[]) {
  const api = t.client.apiUrl;
  const input = proposalInput({ consultees: 2, tag: 'doc', dpo: true });
  Object.assign(input, {
    alternativesConsidered:
      'Mobile ANPR patrols cover the A28 twice a week and cannot give investigators continuous movement data; better street lighting addresses shop burglary but not vehicles travelling in.',
    risks: [
      {
        description: 'Vehicles of local residents are read routinely, beyond what the purpose needs',
        likelihood: 3,
        severity: 2,
        mitigation:
          'Standard access limited to 90 days; after that a senior officer must authorise each search',
        residualLikelihood: 2,
        residualSeverity: 1,
      },
      {
        description: 'Unauthorised access to stored reads by staff without a policing purpose',
        likelihood: 2,
        severity: 3,
        mitigation: 'Role-based access, every search logged and audited monthly',
        residualLikelihood: 1,
      },
      {
        description: 'Function creep into non-policing uses of the data',
        likelihood: 2,
        severity: 2,
        mitigation: 'Published purpose, annual review of the DPIA',
      },
    ],
  });
  const { proposalId, reference } = await t.client.openProposal(input);
  await t.client.waitForStatus(proposalId, ['consulting']);
  const [first, second] = input.consultees.map((c) => c.email) as [string, string];
  await t.client.waitFor('the consultation mails', async () =>
    (await t.client.mailTo(second, reference)).length > 0 ? true : undefined,
  );
  // What a councillor receives: the consultation mail's HTML part, as a mail client shows it.
  const letter = (await t.client.mailTo(first, reference))[0];
  const mailPage = await browser.newPage({ viewport: { width: 640, height: 900 } });
  await mailPage.setContent(letter?.body?.html ?? '');
  await mailPage.screenshot({ path: `${OUT}consultation-mail.png`, fullPage: true });
  await mailPage.close();
  process.stdout.write('consultation-mail\n');
  await t.client.replyAsConsultee(first, reference, 'SUPPORT', 'We welcome the camera on the A28.');
  await t.client.replyAsConsultee(second, reference, 'CONCERNS', 'Please publish who can see the data.');
  await t.client.waitForStatus(proposalId, ['awaiting-dpo-advice']);
  const advice = new URL(await t.client.waitForAdviceLink(input.dpo?.email ?? '', reference), api);
  await shoot(browser, 'dpo-advice', advice.href, []);
  await t.client.postSignedForm(advice, {
    recommendation: 'proceed-with-conditions',
    advice:
      'Lawful under DPA 2018 Part 3 and proportionate to the need shown; proceed once encryption at rest is confirmed (principle 9).',
  });
  await t.client.waitForStatus(proposalId, ['awaiting-approval']);
  const link = new URL(await t.client.waitForReviewLink(input.approver.email, reference), api);
  await t.client.postSignedForm(link, {
    outcome: 'approved',
    rationale:
      'A clear pressing need; the concerns raised are met by the 90-day access limit and the annual review.',
    conditions: 'Confirm encryption at rest (principle 9) with the supplier before go-live.',
    dpoAdvice: 'accepted',
    consulteeResponse:
      'The objection on intrusion is met by the 90-day access limit, the annual review and not disclosing the site.',
  });
  await t.client.waitForStatus(proposalId, ['approved']);

  const context = await browser.newContext({ viewport: { width: 1000, height: 1300 } });
  await context.addCookies(cookies);
  const page = await context.newPage();
  await page.goto(`${api}/app/proposals/${proposalId}/dpia`);
  await page.screenshot({ path: `${OUT}dpia-document-first-page.png` });
  await page.locator('section[aria-labelledby=step-5]').screenshot({ path: `${OUT}dpia-document-risks.png` });
  await page.goto(`${api}/app/proposals/${proposalId}/dpia?edition=public`);
  await page.screenshot({ path: `${OUT}dpia-document-public.png` });
  await context.close();
  process.stdout.write('dpia-document\n');
}

await withStackAndBrowser(main);
