import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ukDay } from '../../functions/shared/uk-dates.js';
import { runDpia } from '../support/cli.js';
import { answerLetter, proposalInput, startTestStack, type TestStack } from '../support/stack.js';

const MANAGERS = 'r.digest@police.example,s.digest@police.example';
let t: TestStack;
let approved: { proposalId: string; reference: string; reviewDate: string };

const dpia = (...args: string[]) => runDpia(t.stack.config, args);

/** Opens a proposal, has its one consultee reply, and approves it with the given review date. */
async function approve(tag: string, reviewDate: string, extra: Record<string, unknown> = {}) {
  const { client } = t;
  const input = { ...proposalInput({ consultees: 1, tag }), ...extra };
  const { proposalId, reference } = await client.openProposal(input);
  await client.waitForStatus(proposalId, ['consulting']);
  const consultee = input.consultees[0]?.email as string;
  await answerLetter(client, consultee, reference, 'SUPPORT');
  await client.waitForStatus(proposalId, ['awaiting-approval']);
  const link = new URL(await client.waitForReviewLink(input.approver.email, reference), client.apiUrl);
  const decided = await client.postSignedForm(link, {
    outcome: 'approved',
    rationale: 'Clear pressing need; concerns answered by the retention and access rules.',
    // Issue 19: a decision against a consultee's view gives reasons that address it.
    consulteeResponse:
      'The objection and concerns are met by the 90-day access limit, the annual review and not disclosing the site.',
    conditions: 'Encrypt the back-office link (principle 9) before go-live.',
    reviewDate,
  });
  expect(decided.status).toBe(200);
  await client.waitForStatus(proposalId, ['approved']);
  return { proposalId, reference, reviewDate };
}

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await startTestStack();
  approved = await approve('cycle', inDays(20));
}, 60_000);
afterAll(async () => t?.close());

describe('the monthly reviews digest', () => {
  it('mails each manager once a month the reviews due in 60 days, never the site', async () => {
    const later = await approve('cycle-later', inDays(300));
    const first = await dpia('reviews', 'digest', '--to', MANAGERS);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('0 overdue, 1 due in the next 60 days; mailed to 2 managers');
    for (const manager of MANAGERS.split(',')) {
      const [mail, ...more] = (await t.client.sentMail()).filter((m) => m.destination?.to?.includes(manager));
      expect(more).toHaveLength(0);
      const text = `${mail?.subject}\n${mail?.body?.text}\n${mail?.body?.html}`;
      expect(text).toContain(approved.reference);
      expect(text).not.toContain(later.reference); // due in 300 days: not yet
      expect(text).toContain(`/app/proposals/new?reviewOf=${approved.proposalId}`);
      expect(text).not.toContain('Smallhythe');
      expect(text).not.toContain('51.0686');
    }
    const again = await dpia('reviews', 'digest', '--to', MANAGERS);
    expect(again.stdout).toContain("mailed to nobody new (2 already had this month's)");
    expect(
      (await t.client.sentMail()).filter((m) => m.subject.startsWith('Camera reviews due')),
    ).toHaveLength(2);
    const nobody = await dpia('reviews', 'digest');
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('No one to send the digest to');
  });
});

describe('starting a review', () => {
  it('opens a pre-filled, linked proposal; one at a time; which takes the old approval off the due list', async () => {
    const { client } = t;
    const started = await dpia(
      'reviews',
      'start',
      approved.proposalId,
      '--deadline',
      new Date(Date.now() + 3600_000).toISOString(),
    );
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain(`reviews ${approved.reference}`);
    const [reference, reviewId] = started.stdout.trim().split(/\s+/) as [string, string];

    const second = await client.api('manager', 'POST', '/proposals', {
      ...proposalInput({ consultees: 1, tag: 'cycle-twice' }),
      reviewOf: approved.proposalId,
    });
    expect(second.status).toBe(409);
    expect(second.text).toContain(reference);
    const notApproved = await client.api('manager', 'POST', '/proposals', {
      ...proposalInput({ consultees: 1, tag: 'cycle-bad' }),
      reviewOf: reviewId,
    });
    expect(notApproved.status).toBe(400);
    expect(notApproved.text).toContain('Only an approved installation can be reviewed');

    type Detail = {
      title: string;
      reviewOf: string | null;
      history: { reference: string; current: boolean }[];
    };
    const review = (await client.api<Detail>('manager', 'GET', `/proposals/${reviewId}`)).body;
    expect(review.reviewOf).toBe(approved.proposalId);
    expect(review.title).toBe(proposalInput().title);
    expect(review.history.map((h) => [h.reference, h.current])).toEqual([
      [approved.reference, false],
      [reference, true],
    ]);
    const old = (await client.api<Detail>('manager', 'GET', `/proposals/${approved.proposalId}`)).body;
    expect(old.history.map((h) => h.reference)).toEqual([approved.reference, reference]);

    type Due = { items: { reference: string }[] };
    const dueBefore = await client.api<Due>('manager', 'GET', `/reviews/due?before=${inDays(365)}`);
    expect(dueBefore.body.items.map((i) => i.reference)).toContain(approved.reference);

    // The review is consulted on and approved in its turn.
    await client.waitForStatus(reviewId, ['consulting']);
    const consultee = proposalInput({ consultees: 1, tag: 'cycle' }).consultees[0]?.email as string;
    await answerLetter(client, consultee, reference, 'SUPPORT');
    await client.waitForStatus(reviewId, ['awaiting-approval']);
    const approver = proposalInput().approver.email;
    const link = new URL(await client.waitForReviewLink(approver, reference), client.apiUrl);
    await client.postSignedForm(link, {
      outcome: 'approved',
      rationale: 'Reviewed: the need remains and the measures have worked as intended.',
      // Issue 19: a decision against a consultee's view gives reasons that address it.
      consulteeResponse:
        'The objection and concerns are met by the 90-day access limit, the annual review and not disclosing the site.',
      conditions: 'Encrypt the back-office link (principle 9) before go-live.',
    });
    await client.waitForStatus(reviewId, ['approved']);
    // RecordDecision retires the reviewed approval just after the status changes: wait for it.
    const dueAfter = await client.waitFor('the reviewed approval off the due list', async () => {
      const answer = await client.api<Due>('manager', 'GET', `/reviews/due?before=${inDays(800)}`);
      return answer.body.items.some((i) => i.reference === approved.reference) ? undefined : answer;
    });
    const refs = dueAfter.body.items.map((i) => i.reference);
    expect(refs).not.toContain(approved.reference);
    expect(refs).toContain(reference);
    // The public register lists the camera once, under its review: first approved, then reviewed.
    type Register = { items: { reference: string; approvedOn: string; lastReview: string }[] };
    const register = (await client.api<Register>(null, 'GET', '/register.json')).body.items;
    expect(register.map((r) => r.reference)).not.toContain(approved.reference);
    const listed = register.find((r) => r.reference === reference);
    const reviewed = await client.api<{ decision: { decidedAt: string } }>(
      'manager',
      'GET',
      `/proposals/${approved.proposalId}`,
    );
    expect(listed?.approvedOn).toBe(ukDay(reviewed.body.decision.decidedAt));
    expect(listed?.lastReview).toBe(ukDay(new Date().toISOString()));
    const verify = await client.api('auditor', 'GET', '/audit/verify');
    expect(verify.body, verify.text).toMatchObject({ ok: true });
  });
});
