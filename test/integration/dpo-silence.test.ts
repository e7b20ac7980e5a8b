// SPEC 10: a DPO who does not advise within dpoTimeoutDays gets one reminder first, is then recorded
// as silent, the link stops working (410), the workflow goes on to the approver, and the timeline
// and the record say so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerLetter, proposalInput, startTestStack, type TestStack } from '../support/stack.js';

const DPO_SECONDS = 4;
/** The DPO's (and the approver's) reminder comes this long after the link. */
const REMINDER_SECONDS = 1;
let t: TestStack;

beforeAll(async () => {
  // Read by the handlers at run time; the stack runs them in this process.
  process.env.DPIA_DPO_TIMEOUT_DAYS = String(DPO_SECONDS / 86_400);
  process.env.DPIA_APPROVAL_REMINDER_HOURS = String(REMINDER_SECONDS / 3600);
  t = await startTestStack();
});
afterAll(async () => {
  delete process.env.DPIA_DPO_TIMEOUT_DAYS;
  delete process.env.DPIA_APPROVAL_REMINDER_HOURS;
  await t?.close();
});

describe('a silent DPO', () => {
  it('times out to the approver, voids the advice link and records the silence', async () => {
    const { client } = t;
    const input = proposalInput({ consultees: 1, tag: 'dpo-silent', dpo: true });
    const { proposalId, reference } = await client.openProposal(input);
    await client.waitForStatus(proposalId, ['consulting']);
    const consultee = input.consultees[0]?.email as string;
    await answerLetter(client, consultee, reference, 'SUPPORT');
    await client.waitForStatus(proposalId, ['awaiting-dpo-advice']);
    const link = await client.waitForAdviceLink(input.dpo?.email as string, reference);

    await client.waitForStatus(proposalId, ['awaiting-approval'], (DPO_SECONDS + 15) * 1000);
    expect((await client.api(null, 'GET', link)).status).toBe(410);
    // One reminder, with the very link first sent, before the DPO's time ran out; never a second.
    const dpoMail = await client.mailTo(input.dpo?.email as string, reference);
    const reminders = dpoMail.filter((m) => m.subject.startsWith('Reminder:'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.body?.text).toContain(link.split('?')[0]);
    expect(dpoMail).toHaveLength(2);
    const review = await client.waitForReviewLink(input.approver.email, reference);
    const page = await client.api(null, 'GET', review);
    expect(page.text).toContain('did not answer in time');
    const decided = await client.postSignedForm(review, {
      outcome: 'approved',
      rationale: 'Clear pressing need; concerns answered by the retention and access rules.',
      // Issue 19: a decision against a consultee's view gives reasons that address it.
      consulteeResponse:
        'The objection and concerns are met by the 90-day access limit, the annual review and not disclosing the site.',
      conditions: 'Encrypt the back-office link (principle 9) before go-live.',
    });
    expect(decided.status).toBe(200);
    await client.waitForStatus(proposalId, ['approved']);
    const d = (
      await client.api<{ decision: Record<string, unknown>; timeline: { event: string; detail: string }[] }>(
        'manager',
        'GET',
        `/proposals/${proposalId}`,
      )
    ).body;
    expect(d.decision.dpoNoResponse).toEqual({
      requestedAt: expect.any(String),
      timedOutAt: expect.any(String),
    });
    expect(d.decision.dpoAdvice).toBeUndefined();
    const silence = d.timeline.find((e) => e.event === 'dpo-no-response');
    expect(silence?.detail).toContain('did not advise');
    expect(d.timeline.filter((e) => e.event === 'dpo-reminded')).toHaveLength(1);
  });
});
