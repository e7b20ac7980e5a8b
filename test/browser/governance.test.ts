// The DPO's advice page (SPEC 10) and the manager's ICO prior-consultation form (SPEC 11) in real
// Chromium on a real local stack, with axe on every page visited.
import { describe, expect, it } from 'vitest';
import { answerLetter, proposalInput } from '../support/stack.js';
import { browserTestStack } from './browser-stack.js';
import { seriousViolations, signIn } from './support.js';

const t = browserTestStack();

describe('the DPO and ICO stages in the browser', () => {
  it('the DPO advises from the mailed link, a manager records the ICO consultation, the approver sees both', async () => {
    const { client } = t;
    const violations: string[] = [];
    const base = proposalInput({ consultees: 1, tag: 'gov-web', dpo: true });
    const input = {
      ...base,
      risks: [
        ...(base.risks ?? []),
        {
          description: 'Function creep: reads used to track people attending lawful protests',
          likelihood: 3,
          severity: 3,
          mitigation: 'Access only for listed offence types, audited monthly.',
          residualLikelihood: 2,
        },
      ],
    };
    const { proposalId, reference } = await client.openProposal(input);
    await client.waitForStatus(proposalId, ['consulting']);
    const consultee = input.consultees[0]?.email as string;
    await answerLetter(client, consultee, reference, 'SUPPORT', 'Long overdue.');
    const adviceLink = await client.waitForAdviceLink(input.dpo?.email as string, reference);

    const dpoContext = await t.browser.newContext();
    const dpo = await dpoContext.newPage();
    await dpo.goto(`${client.apiUrl}${adviceLink}`);
    expect(await dpo.textContent('h1')).toContain('ANPR');
    violations.push(...(await seriousViolations(dpo)));
    await dpo.click('button[type=submit]'); // the browser asks for a recommendation first
    expect(await dpo.locator('#recommendation-proceed:invalid').count()).toBe(1);
    await dpo.check('#recommendation-proceed-with-conditions');
    await dpo.fill('#advice', 'Lawful and proportionate once access is limited to listed offence types.');
    await dpo.click('button[type=submit]');
    expect(await dpo.textContent('h1')).toBe('Advice recorded');
    violations.push(...(await seriousViolations(dpo)));
    await client.waitForStatus(proposalId, ['awaiting-approval']);

    const context = await t.browser.newContext();
    const manager = await context.newPage();
    await signIn(manager, client.apiUrl, 'manager', 'manager.gov@police.example');
    await manager.goto(`${client.apiUrl}/app/proposals/${proposalId}`);
    expect(await manager.textContent('#ico')).toContain('Prior consultation');
    expect(await manager.textContent('main')).toContain('Proceed with conditions');
    violations.push(...(await seriousViolations(manager)));
    await manager.fill('#ico-submittedOn', '2026-09-01');
    await manager.fill('#ico-reference', 'ICO/PC/2026/0099');
    await manager.check('#ico-advice-received');
    await manager.fill('#ico-summary', 'The Commissioner advised limiting access to listed offences.');
    await Promise.all([
      manager.waitForLoadState(),
      manager.click('button:has-text("Record the prior consultation")'),
    ]);
    expect(await manager.textContent('main')).toContain('ICO/PC/2026/0099');
    violations.push(...(await seriousViolations(manager)));

    const review = await client.waitForReviewLink(input.approver.email, reference);
    const approverContext = await t.browser.newContext();
    const approver = await approverContext.newPage();
    await approver.goto(`${client.apiUrl}${review}`);
    const text = (await approver.textContent('main')) ?? '';
    expect(text).toContain('Proceed with conditions');
    expect(text).toContain('ICO/PC/2026/0099');
    expect(await approver.locator('#dpoAdvice-accepted').count()).toBe(1);
    violations.push(...(await seriousViolations(approver)));
    await Promise.all([context.close(), dpoContext.close(), approverContext.close()]);
    expect(violations).toEqual([]);
  });
});
