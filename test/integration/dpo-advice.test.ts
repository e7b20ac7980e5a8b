// SPEC 10 and 11 on the real local stack, through the HTTP API, SMTP, the SES store and the signed
// links only: the DPO's advice accepted and overruled, and a high residual risk that blocks
// approval until the prior consultation with the Information Commissioner is recorded.
import { describe, expect, it } from 'vitest';
import type { LocalStackClient } from '../../local/client.js';
import { answerLetter, proposalInput, useTestStack } from '../support/stack.js';

interface Detail {
  status: string;
  reference: string;
  decision: Record<string, unknown> | null;
  timeline: { event: string; detail: string }[];
}

let client: LocalStackClient;

useTestStack((stack) => {
  client = stack.client;
});

/** The approver's form for an approval; issue 19: an approval against an objection answers it. */
const APPROVAL = {
  outcome: 'approved',
  rationale: 'Clear pressing need; concerns answered by the retention and access rules.',
  conditions: 'Encrypt the back-office link (principle 9) before go-live.',
  consulteeResponse:
    'The objection and concerns are met by the 90-day access limit, the annual review and not disclosing the site.',
};
const detail = async (id: string) => (await client.api<Detail>('manager', 'GET', `/proposals/${id}`)).body;

/** Opens a proposal and has every consultee answer, so consultation closes at once. */
async function consulted(tag: string, extra: Record<string, unknown> = {}) {
  const input = { ...proposalInput({ consultees: 2, tag, dpo: true }), ...extra };
  const { proposalId, reference } = await client.openProposal(input);
  await client.waitForStatus(proposalId, ['consulting']);
  for (const c of input.consultees) {
    await answerLetter(client, c.email, reference, 'SUPPORT', 'Long overdue.');
  }
  return { input, proposalId, reference };
}

/** consulted(), then the DPO's turn: the advice link mailed to the DPO. */
async function askedForAdvice(tag: string) {
  const opened = await consulted(tag);
  await client.waitForStatus(opened.proposalId, ['awaiting-dpo-advice']);
  const dpoEmail = opened.input.dpo?.email as string;
  return { ...opened, dpoEmail, link: await client.waitForAdviceLink(dpoEmail, opened.reference) };
}

describe('the DPO advice stage', () => {
  it('asks the DPO first, shows the advice to the approver, and records it as accepted', async () => {
    const { input, proposalId, reference, link } = await askedForAdvice('dpo-accept');
    // Nobody asked the approver yet.
    await expect(client.reviewLink(input.approver.email, reference)).rejects.toThrow();

    const page = await client.api(null, 'GET', link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Smallhythe'); // the DPO reads the assessment in full
    // ...and the DPIA document so far, from the same link.
    const unescaped = page.text.replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');
    const documentHref = /href="(\/dpo\/[^"]+\/dpia\?sig=[^"]+)"/.exec(unescaped)?.[1];
    expect(documentHref).toBeDefined();
    const document = await client.api(null, 'GET', documentHref ?? '');
    expect(document.status).toBe(200);
    expect(document.text).toContain('Step 1: Identify the need for a DPIA');
    expect(document.text).toContain('DRAFT');
    expect((await client.api(null, 'GET', (documentHref ?? '').replace(/sig=.{4}/, 'sig=AAAA'))).status).toBe(
      403,
    );
    const forged = await client.api(null, 'GET', link.replace(/sig=.{4}/, 'sig=AAAA'));
    expect(forged.status).toBe(403);
    expect(forged.text).not.toContain('Smallhythe');
    expect((await client.api(null, 'GET', '/dpo/no-such-request?sig=x')).status).toBe(404);
    // A DPO's signature does not open a review, nor a review's an advice request.
    const [, adviceId, sig] = /\/dpo\/([^?]+)\?sig=(.+)$/.exec(link) ?? [];
    expect((await client.api(null, 'GET', `/review/${adviceId}?sig=${sig}`)).status).toBe(404);

    const short = await client.postSignedForm(link, {
      recommendation: 'proceed-with-conditions',
      advice: 'ok',
    });
    expect(short.status).toBe(400);
    expect(short.text).toContain('at least 20 characters');
    const advice = 'Lawful and proportionate; proceed once the back-office link is encrypted.';
    expect(
      (await client.postSignedForm(link, { recommendation: 'proceed-with-conditions', advice })).status,
    ).toBe(200);
    expect((await client.postSignedForm(link, { recommendation: 'do-not-proceed', advice })).status).toBe(
      409,
    );
    expect((await client.api(null, 'GET', link)).status).toBe(409);

    await client.waitForStatus(proposalId, ['awaiting-approval']);
    const review = await client.waitForReviewLink(input.approver.email, reference);
    const reviewPage = await client.api(null, 'GET', review);
    expect(reviewPage.text).toContain('Proceed with conditions');
    expect(reviewPage.text).toContain(advice);
    expect((await client.postSignedForm(review, { ...APPROVAL, dpoAdvice: 'accepted' })).status).toBe(200);
    await client.waitForStatus(proposalId, ['approved']);
    const d = await detail(proposalId);
    expect(d.decision?.dpoAdvice).toEqual({
      recommendation: 'proceed-with-conditions',
      advice,
      response: 'accepted',
      reasons: null,
    });
    expect(d.timeline.map((e) => e.event)).toEqual(
      expect.arrayContaining(['dpo-advice-requested', 'dpo-advised']),
    );
    expect((await client.api('auditor', 'GET', '/audit/verify')).body).toMatchObject({ ok: true });
  });

  it('refuses a decision against the advice until it is marked overruled with reasons, then records both', async () => {
    const { input, proposalId, reference, link } = await askedForAdvice('dpo-overrule');
    const advice = 'The need shown does not justify a fixed camera on this road; do not proceed.';
    expect((await client.postSignedForm(link, { recommendation: 'do-not-proceed', advice })).status).toBe(
      200,
    );
    await client.waitForStatus(proposalId, ['awaiting-approval']);
    const review = await client.waitForReviewLink(input.approver.email, reference);
    const unmarked = await client.postSignedForm(review, APPROVAL);
    expect(unmarked.status).toBe(400);
    expect(unmarked.text).toContain('departs from the DPO');
    const noReasons = await client.postSignedForm(review, { ...APPROVAL, dpoAdvice: 'overruled' });
    expect(noReasons.status).toBe(400);
    expect(noReasons.text).toContain('reasons for overruling');
    expect((await detail(proposalId)).status).toBe('awaiting-approval');

    const reasons = 'Vehicle crime on this road has doubled; the council supports it unanimously.';
    expect(
      (await client.postSignedForm(review, { ...APPROVAL, dpoAdvice: 'overruled', dpoReasons: reasons }))
        .status,
    ).toBe(200);
    await client.waitForStatus(proposalId, ['approved']);
    expect((await detail(proposalId)).decision?.dpoAdvice).toEqual({
      recommendation: 'do-not-proceed',
      advice,
      response: 'overruled',
      reasons,
    });
  });
});

describe('ICO prior consultation (DPA 2018 s.65)', () => {
  it('blocks approval of a high residual risk until the consultation is recorded', async () => {
    const highRisk = {
      description: 'Function creep: reads used to track people attending lawful protests',
      likelihood: 3,
      severity: 3,
      mitigation: 'Access only for listed offence types, audited monthly.',
      residualLikelihood: 2,
      residualSeverity: 3,
    };
    const base = proposalInput({ consultees: 1, tag: 'ico' });
    const input = { ...base, risks: [...(base.risks ?? []), highRisk] };
    const { proposalId, reference } = await client.openProposal(input);
    await client.waitForStatus(proposalId, ['consulting']);
    const consultee = input.consultees[0]?.email as string;
    await answerLetter(client, consultee, reference, 'SUPPORT');
    await client.waitForStatus(proposalId, ['awaiting-approval']);
    const review = await client.waitForReviewLink(input.approver.email, reference);
    const page = await client.api(null, 'GET', review);
    expect(page.text).toContain('Prior consultation with the Information Commissioner needed');

    const refused = await client.postSignedForm(review, APPROVAL);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Information Commissioner must be consulted');
    expect((await detail(proposalId)).status).toBe('awaiting-approval');

    const ico = {
      submittedOn: '2026-09-01',
      reference: 'ICO/PC/2026/0042',
      outcome: 'advice-received',
      summary: 'The Commissioner advised limiting access to listed offence types, as now proposed.',
    };
    expect(
      (await client.api('auditor', 'POST', `/proposals/${proposalId}/ico-consultation`, ico)).status,
    ).toBe(403);
    const bad = await client.api('manager', 'POST', `/proposals/${proposalId}/ico-consultation`, {
      ...ico,
      outcome: 'maybe',
    });
    expect(bad.status).toBe(400);
    const recorded = await client.api('manager', 'POST', `/proposals/${proposalId}/ico-consultation`, ico);
    expect(recorded.status).toBe(200);
    expect(recorded.body).toMatchObject({ required: true, icoConsultation: ico });

    expect((await client.postSignedForm(review, APPROVAL)).status).toBe(200);
    await client.waitForStatus(proposalId, ['approved']);
    const d = await detail(proposalId);
    expect(d.decision).toMatchObject({ residualRisk: 'high', icoConsultation: ico });
    expect(d.timeline.map((e) => e.event)).toContain('ico-consultation-recorded');
    const late = await client.api('manager', 'POST', `/proposals/${proposalId}/ico-consultation`, ico);
    expect(late.status).toBe(409);
  });
});

describe('a proposal withdrawn while the DPO is asked (issue 20)', () => {
  it('tells the DPO by mail, and the advice link answers 410 saying it was withdrawn and why', async () => {
    const { proposalId, reference, dpoEmail, link } = await askedForAdvice('dpo-withdrawn');
    const reason = 'The force has paused all new ANPR sites pending a national review.';
    const withdrawn = await client.api<{ notified: number }>(
      'manager',
      'POST',
      `/proposals/${proposalId}/withdraw`,
      {
        reason,
      },
    );
    expect(withdrawn.status).toBe(200);
    // Both consultees, the approver and the DPO.
    expect(withdrawn.body.notified).toBe(4);
    const told = (await client.mailTo(dpoEmail, reference)).at(-1);
    expect(told?.subject).toMatch(/^Withdrawn: /);
    expect(told?.body?.text).toContain('The advice link you were sent for it no longer works');
    const page = await client.api(null, 'GET', link);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This proposal was withdrawn');
    expect(page.text).toContain(`The reason given: ${reason}`);
    expect(page.text).toContain('no advice is needed');
    const timeline = (await detail(proposalId)).timeline;
    expect(timeline.find((e) => e.event === 'withdrawn')?.detail).toContain(`Reason: ${reason}`);
    expect(timeline.find((e) => e.event === 'withdrawal-mailed')?.detail).toBe(
      'Told of the withdrawal by mail: 4 people.',
    );
  });
});
