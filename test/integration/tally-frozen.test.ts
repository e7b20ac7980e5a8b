// Issue 15's decision: the tally is frozen when the consultation closes. After an early close a
// reply (even before the deadline) is kept and listed for the approver as "after the close", and
// changes no count.
import { describe, expect, it } from 'vitest';
import { proposalInput, type TestStack, useTestStack } from '../support/stack.js';

let t: TestStack;
useTestStack((stack) => {
  t = stack;
});

describe('the tally after an early close', () => {
  it('keeps a later reply, lists it for the approver, and counts nothing more', async () => {
    const { client } = t;
    const input = proposalInput({ consultees: 2, tag: 'frozen', deadlineSeconds: 3600 });
    const { proposalId, reference } = await client.openProposal(input);
    await client.waitForStatus(proposalId, ['consulting']);
    const [first, second] = input.consultees.map((c) => c.email) as [string, string];
    await client.waitFor('both letters', async () => (await client.mailTo(second, reference)).length > 0);
    await client.replyAsConsultee(first, reference, 'SUPPORT', 'Long overdue.');
    await client.replyAsConsultee(second, reference, 'SUPPORT', 'Agreed.');
    await client.waitForStatus(proposalId, ['awaiting-approval']);
    type Detail = {
      consultation: { tally: Record<string, number>; responded: number; late: number };
      timeline: { event: string; detail: string }[];
    };
    const before = (await client.api<Detail>('manager', 'GET', `/proposals/${proposalId}`)).body;
    expect(before.consultation.tally).toEqual({ support: 2, concerns: 0, object: 0, unclassified: 0 });

    await client.replyAsConsultee(
      first,
      reference,
      'OBJECT',
      'Having thought again, I object: too intrusive.',
    );
    const after = await client.waitFor('the reply after the close', async () => {
      const d = (await client.api<Detail>('manager', 'GET', `/proposals/${proposalId}`)).body;
      return d.timeline.some((e) => e.detail.includes('after the consultation closed')) ? d : undefined;
    });
    expect(after.consultation.tally).toEqual({ support: 2, concerns: 0, object: 0, unclassified: 0 });
    expect(after.consultation.responded).toBe(2);

    const link = await client.waitForReviewLink(input.approver.email, reference);
    const page = await client.api(null, 'GET', link);
    expect(page.text).toContain('Having thought again, I object');
    expect(page.text).toContain('after the close: not counted');
  });
});
