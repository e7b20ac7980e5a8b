// The dashboard counts an approval that timed out as expired, where MarkApprovalExpired runs: the
// approver here has three seconds (set before the stack starts; the handlers read it at run time).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerLetter, proposalInput, startTestStack, type TestStack } from '../support/stack.js';
import { rowOf, webSession } from '../support/web.js';

const APPROVAL_SECONDS = 3;
let t: TestStack;

beforeAll(async () => {
  process.env.DPIA_APPROVAL_TIMEOUT_DAYS = String(APPROVAL_SECONDS / 86_400);
  t = await startTestStack();
}, 60_000);
afterAll(async () => {
  delete process.env.DPIA_APPROVAL_TIMEOUT_DAYS;
  await t?.close();
});

describe('an approval that timed out', () => {
  it('is counted as expired, and the consultation before it as closed', async () => {
    const { client } = t;
    const input = proposalInput({ consultees: 1, tag: 'dash-expiry' });
    const { proposalId, reference } = await client.openProposal(input);
    await client.waitForStatus(proposalId, ['consulting']);
    const consultee = input.consultees[0]?.email as string;
    await answerLetter(client, consultee, reference, 'SUPPORT');
    await client.waitForStatus(proposalId, ['expired'], (APPROVAL_SECONDS + 20) * 1000);

    const auditor = await webSession(client.apiUrl, 'auditor', 'auditor@police.example');
    const html = await (
      await fetch(`${client.apiUrl}/app/dashboard`, { headers: { cookie: auditor } })
    ).text();
    // Approved, rejected, of which insufficient need, expired, withdrawn, total.
    expect(rowOf(html, 'decisions-heading', 'All months')).toEqual([
      'All months',
      '0',
      '0',
      '0',
      '1',
      '0',
      '1',
    ]);
    expect(rowOf(html, 'response-heading', 'Overall')).toEqual(['Overall', '1', '1', '1', '100%']);
    // Not decided: no closed-to-decision time yet.
    expect(rowOf(html, 'stages-heading', 'Closed to decision')).toEqual([
      'Closed to decision',
      'no data',
      '0',
    ]);
  }, 60_000);
});
