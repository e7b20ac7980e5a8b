// The DPIA lifecycle end to end on the real local stack, driven only through the HTTP API,
// SMTP and the SES store: as managers, consultees, approvers and auditors use it.
import { describe, expect, it } from 'vitest';
import type { LocalStackClient } from '../../local/client.js';
import { insufficientInput, proposalInput, useTestStack } from '../support/stack.js';

interface Created {
  proposalId: string;
  reference: string;
  status: string;
}
interface Detail {
  status: string;
  reference: string;
  pressingNeed: { score: number; band: string; policyVersion: string; factors: unknown[] } | null;
  consultation: {
    mailed: number;
    responded: number;
    late: number;
    tally: Record<string, number>;
    consultees: {
      email: string;
      status: string;
      stance: string | null;
      late: boolean;
      comment: string | null;
    }[];
  };
  decision: Record<string, unknown> | null;
  timeline: { event: string }[];
}

let client: LocalStackClient;

useTestStack((stack) => {
  client = stack.client;
});

async function open(input: unknown): Promise<Created> {
  const answer = await client.api<Created>('manager', 'POST', '/proposals', input);
  expect(answer.status).toBe(201);
  return answer.body;
}
/** A proposal with one consultee, opened, and the consultation letter that consultee received. */
async function openToOne(tag: string) {
  const input = proposalInput({ consultees: 1, tag });
  const consultee = input.consultees[0]?.email as string;
  const created = await open(input);
  const letter = await client.waitFor(
    'mail',
    async () => (await client.mailTo(consultee, created.reference))[0],
  );
  return { consultee, created, letter };
}
const detail = async (id: string) => (await client.api<Detail>('manager', 'GET', `/proposals/${id}`)).body;

describe('the clear path', () => {
  let created: Created;
  const input = proposalInput({ consultees: 4, tag: 'clear' });
  const emails = input.consultees.map((c) => c.email);

  it('opens a proposal, scores it clear and mails every consultee without the site', async () => {
    created = await open(input);
    expect(created.reference).toMatch(/^DPIA-\d{4}-\d{4}$/);
    expect(created.status).toBe('submitted');
    await client.waitForStatus(created.proposalId, ['consulting']);
    const mails = await client.waitFor('4 consultation mails', async () => {
      const all = (await Promise.all(emails.map((e) => client.mailTo(e, created.reference)))).flat();
      return all.length >= 4 ? all : undefined;
    });
    for (const mail of mails) {
      expect(mail.subject).toContain(`[${created.reference}]`);
      expect(mail.replyTo?.[0]).toMatch(/^consult\+[0-9a-f]{32}@replies\.camera-dpia\.test$/);
      const everything = `${mail.subject}\n${mail.body?.text}\n${mail.body?.html}`;
      expect(everything).toContain('Tenterden');
      expect(everything).not.toContain('Smallhythe');
      expect(everything).not.toContain('51.0686');
      expect(everything).not.toContain('0.6862');
    }
    // The mailed count is written once SendConsultation has sent every letter.
    const d = await client.waitFor('the mailed count', async () => {
      const x = await detail(created.proposalId);
      return x.consultation.mailed === 4 ? x : undefined;
    });
    // Policy 2026.1 (the default, SPEC 4): 0.30 x 2 + 0.30 x 4 + 0.25 x 4 + 0.15 x 3 of 5 = 65.
    expect(d.pressingNeed).toMatchObject({ score: 65, band: 'clear', policyVersion: '2026.1' });
  });

  it('counts the replies, closes early once everyone has answered, and asks the approver', async () => {
    // Each consultee's first line and comment: the last reply's stance is in its words alone.
    const replies: [firstLine: string, comment?: string][] = [
      ['SUPPORT', 'Rural crime has been a worry.'],
      ['Concerns', 'Where will the data go?'],
      ['OBJECT', 'Too intrusive for a market town.'],
      ['No objection from the parish council.'],
    ];
    for (const [i, [firstLine, comment]] of replies.entries())
      await client.replyAsConsultee(emails[i] as string, created.reference, firstLine, comment);
    await client.waitForStatus(created.proposalId, ['awaiting-approval']);
    const d = await detail(created.proposalId);
    expect(d.consultation.tally).toEqual({ support: 2, concerns: 1, object: 1, unclassified: 0 });
    expect(d.consultation.responded).toBe(4);
    const commented = d.consultation.consultees.find((c) => c.email === emails[2]);
    expect(commented).toMatchObject({ stance: 'object', status: 'responded' });
    expect(commented?.comment).toContain('Too intrusive');
    expect(commented?.comment).not.toContain('Dear'); // the quoted letter is not part of the comment
  });

  it('lets the approver decide once through the signed link, and records a chained decision', async () => {
    const link = await client.waitForReviewLink(input.approver.email, created.reference);
    const page = await client.api(null, 'GET', link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Smallhythe'); // the approver sees the site

    const tooShort = await client.postSignedForm(link, { outcome: 'approved', rationale: 'ok' });
    expect(tooShort.status).toBe(400);

    const rationale = 'Clear pressing need; concerns answered by the retention and access rules.';
    // The example's checklist marks principle 9 as not met: without conditions, no approval.
    const unconditional = await client.postSignedForm(link, { outcome: 'approved', rationale });
    expect(unconditional.status).toBe(400);
    expect(unconditional.text).toContain('principle 9');
    const conditions = 'Encrypt the back-office link (principle 9) before go-live.';
    // Issue 19: one consultee objected, so the approval gives reasons that address the objection.
    const unanswered = await client.postSignedForm(link, { outcome: 'approved', rationale, conditions });
    expect(unanswered.status).toBe(400);
    expect(unanswered.text).toContain('1 consultee objected');
    const consulteeResponse =
      'The objection that it is too intrusive is met by the 90-day access limit and not disclosing the site.';
    const decided = await client.postSignedForm(link, {
      outcome: 'approved',
      rationale,
      conditions,
      consulteeResponse,
    });
    expect(decided.status).toBe(200);
    const again = await client.postSignedForm(link, { outcome: 'rejected', rationale });
    expect(again.status).toBe(409);

    await client.waitForStatus(created.proposalId, ['approved']);
    const d = await detail(created.proposalId);
    expect(d.decision).toMatchObject({
      outcome: 'approved',
      rationale,
      conditions,
      reference: created.reference,
      decidedBy: input.approver.email,
      pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1' },
      consultation: {
        mailed: 4,
        responded: 4,
        tally: { support: 2, concerns: 1, object: 1, unclassified: 0 },
      },
    });
    expect(d.decision?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.decision?.reviewDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const list = await client.api<{ items: { decisionId: string }[] }>('auditor', 'GET', '/decisions');
    expect(list.body.items.map((i) => i.decisionId)).toContain(d.decision?.decisionId);
    const verify = await client.api('auditor', 'GET', '/audit/verify');
    expect(verify.body).toMatchObject({ ok: true });

    // SPEC 10: the approval is due for review on its review date, not before.
    const reviewDate = d.decision?.reviewDate as string;
    const dayBefore = new Date(Date.parse(reviewDate) - 86_400_000).toISOString().slice(0, 10);
    type Due = { items: { decisionId: string; reference: string; reviewDate: string }[] };
    const due = await client.api<Due>('manager', 'GET', `/reviews/due?before=${reviewDate}`);
    expect(due.status).toBe(200);
    expect(due.body.items).toContainEqual(
      expect.objectContaining({
        decisionId: d.decision?.decisionId,
        reference: created.reference,
        reviewDate,
      }),
    );
    const notYet = await client.api<Due>('auditor', 'GET', `/reviews/due?before=${dayBefore}`);
    expect(notYet.body.items.map((i) => i.decisionId)).not.toContain(d.decision?.decisionId);

    // SPEC 10: the evidence pack, for auditors only.
    const evidencePath = `/proposals/${created.proposalId}/evidence`;
    expect((await client.api('manager', 'GET', evidencePath)).status).toBe(403);
    type Pack = {
      evidencePack: { reference: string; generatedBy: string };
      proposal: { site: { description: string } };
      pressingNeed: { score: number; factors: unknown };
      mails: { kind: string; to: string; text: string; html: string }[];
      replies: { raw: string | null; stance: string | null; consulteeEmail: string | null }[];
      timeline: { event: string }[];
      decision: { decisionId: string; chainPosition: { sequence: number; prevHash: string; hash: string } };
    };
    // The outcome mails go out after the decision is recorded: wait for their copies too.
    const pack = await client.waitFor('the outcome mails in the evidence pack', async () => {
      const answer = await client.api<Pack>('auditor', 'GET', evidencePath);
      return answer.body.mails?.filter((m) => m.kind === 'outcome').length === 4 ? answer : undefined;
    });
    expect(pack.status).toBe(200);
    const p = pack.body;
    expect(p.evidencePack.reference).toBe(created.reference);
    expect(p.proposal.site.description).toBe((input.site as { description: string }).description);
    expect(p.pressingNeed).toMatchObject({ score: 65, policyVersion: '2026.1' });
    expect(p.pressingNeed.factors).toBeDefined();
    const kinds = p.mails.map((m) => m.kind);
    expect(kinds.filter((k) => k === 'consultation')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'review-request')).toHaveLength(1);
    // No copy lets its reader reply as a consultee or decide as the approver; no letter names the site.
    const copies = JSON.stringify(p.mails);
    expect(copies).not.toMatch(/consult\+[0-9a-f]{32}@/i);
    expect(copies).not.toMatch(/sig=[A-Za-z0-9_-]{16,}/);
    for (const m of p.mails.filter((x) => x.kind !== 'review-request')) {
      expect(`${m.text}${m.html}`).not.toContain((input.site as { description: string }).description);
    }
    expect(p.replies).toHaveLength(4);
    for (const r of p.replies) expect(r.raw).toMatch(/^(?:[\s\S]*\r?\n)?Subject: /im);
    expect(p.timeline.map((e) => e.event)).toContain('decided');
    expect(p.decision.decisionId).toBe(d.decision?.decisionId);
    expect(p.decision.chainPosition.hash).toBe(d.decision?.hash);
  });
});

describe('the insufficient path', () => {
  it('rejects by the system without mailing anyone', async () => {
    const created = await open(insufficientInput());
    const final = await client.waitForStatus(created.proposalId, ['rejected']);
    expect(final).toBeTruthy();
    const d = await detail(created.proposalId);
    expect(d.pressingNeed?.band).toBe('insufficient');
    expect(d.decision).toMatchObject({ outcome: 'rejected', decidedBy: 'system' });
    expect(d.consultation.mailed).toBe(0);
    const mails = (await client.sentMail()).filter((m) => m.subject.includes(`[${created.reference}]`));
    expect(mails).toHaveLength(0);
  });
});

describe('the deadline path', () => {
  it('closes at the deadline and keeps a late reply out of the tally', async () => {
    const input = proposalInput({ consultees: 3, deadlineSeconds: 4, tag: 'late' });
    const emails = input.consultees.map((c) => c.email);
    const created = await open(input);
    await client.waitFor('mails', async () =>
      (await client.mailTo(emails[2] as string, created.reference)).length ? true : undefined,
    );
    await client.replyAsConsultee(emails[0] as string, created.reference, 'SUPPORT');
    await client.replyAsConsultee(emails[1] as string, created.reference, 'OBJECT');
    await client.waitForStatus(created.proposalId, ['awaiting-approval'], 15_000);
    await client.replyAsConsultee(emails[2] as string, created.reference, 'SUPPORT', 'Sorry this is late.');
    const d = await client.waitFor('the late reply', async () => {
      const x = await detail(created.proposalId);
      return x.consultation.late === 1 ? x : undefined;
    });
    expect(d.consultation.tally).toEqual({ support: 1, concerns: 0, object: 1, unclassified: 0 });
    expect(d.consultation.consultees.find((c) => c.email === emails[2])).toMatchObject({ late: true });
  });
});

describe('withdraw and rejection', () => {
  it('withdraws mid-consultation: the workflow stops and later replies change nothing', async () => {
    const input = proposalInput({ consultees: 2, tag: 'withdraw' });
    const created = await open(input);
    await client.waitForStatus(created.proposalId, ['consulting']);
    const answer = await client.api('manager', 'POST', `/proposals/${created.proposalId}/withdraw`);
    expect(answer.status).toBe(200);
    expect((await detail(created.proposalId)).status).toBe('withdrawn');
    const again = await client.api('manager', 'POST', `/proposals/${created.proposalId}/withdraw`);
    expect(again.status).toBe(409);
  });

  it('records a rejection by the approver', async () => {
    const input = proposalInput({ consultees: 1, tag: 'reject' });
    const created = await open(input);
    await client.waitFor('mail', async () =>
      (await client.mailTo(input.consultees[0]?.email as string, created.reference)).length
        ? true
        : undefined,
    );
    await client.replyAsConsultee(input.consultees[0]?.email as string, created.reference, 'OBJECT');
    await client.waitForStatus(created.proposalId, ['awaiting-approval']);
    const link = await client.waitForReviewLink(input.approver.email, created.reference);
    const rationale = 'The objection raised by the town council outweighs the evidence offered.';
    const answer = await client.postSignedForm(link, { outcome: 'rejected', rationale });
    expect(answer.status).toBe(200);
    await client.waitForStatus(created.proposalId, ['rejected']);
    expect((await detail(created.proposalId)).decision).toMatchObject({ outcome: 'rejected', rationale });
  });
});

describe('bad input', () => {
  it('refuses what it cannot take, with a clear status and nothing stored', async () => {
    const before = (await client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    expect((await client.api('manager', 'POST', '/proposals', '{"title": ')).status).toBe(400);
    expect(
      (
        await client.api('manager', 'POST', '/proposals', JSON.stringify(proposalInput()), {
          'content-type': 'text/plain',
        })
      ).status,
    ).toBe(415);
    const huge = { ...proposalInput(), alternativesConsidered: 'x'.repeat(300 * 1024) };
    expect((await client.api('manager', 'POST', '/proposals', huge)).status).toBe(413);
    const unknown = await client.api<{ error: string; issues: { path: string }[] }>(
      'manager',
      'POST',
      '/proposals',
      {
        ...proposalInput(),
        colour: 'blue',
      },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('ValidationError');
    const badEmail = proposalInput();
    (badEmail.consultees[0] as { email: string }).email = 'not-an-address';
    const invalid = await client.api<{ issues: { path: string }[] }>(
      'manager',
      'POST',
      '/proposals',
      badEmail,
    );
    expect(invalid.body.issues.map((i) => i.path)).toContain('consultees.0.email');
    const past = { ...proposalInput(), responseDeadline: '2020-01-01T00:00:00Z' };
    expect((await client.api('manager', 'POST', '/proposals', past)).status).toBe(400);
    expect((await client.api('auditor', 'POST', '/proposals', proposalInput())).status).toBe(403);
    expect((await client.api(null, 'POST', '/proposals', proposalInput())).status).toBe(401);
    expect((await client.api('manager', 'GET', '/proposals/no-such-id')).status).toBe(404);
    expect((await client.api('manager', 'GET', '/audit/verify')).status).toBe(403);
    expect((await client.api('manager', 'GET', '/review/nope?sig=abc')).status).toBeGreaterThanOrEqual(403);
    const after = (await client.api<{ items: unknown[] }>('manager', 'GET', '/proposals?limit=200')).body
      .items.length;
    expect(after).toBe(before);
  });
});

describe('a reply from another address', () => {
  it('is kept out of the tally until a manager accepts it, then counts', async () => {
    const input = proposalInput({ consultees: 1, tag: 'mismatch' });
    const consultee = input.consultees[0]?.email as string;
    const created = await open(input);
    await client.waitFor('mail', async () =>
      (await client.mailTo(consultee, created.reference)).length ? true : undefined,
    );
    await client.replyAsConsultee(
      consultee,
      created.reference,
      'SUPPORT',
      'Sent by the clerk.',
      'clerk@elsewhere.example',
    );
    const flagged = await client.waitFor('the reply', async () => {
      const d = await client.api<
        Detail & { consultation: { replies: { replyId: string; senderMismatch: boolean }[] } }
      >('manager', 'GET', `/proposals/${created.proposalId}`);
      // The reply is stored before its consultee is flagged: wait for both (a race under load).
      const first = d.body.consultation.consultees[0] as { senderMismatch?: boolean } | undefined;
      return d.body.consultation.replies.length && first?.senderMismatch ? d.body : undefined;
    });
    expect(flagged.consultation.tally.support).toBe(0);
    expect(flagged.consultation.consultees[0]).toMatchObject({ senderMismatch: true });
    const replyId = flagged.consultation.replies[0]?.replyId as string;
    const path = `/proposals/${created.proposalId}/replies/${replyId}/accept`;
    expect((await client.api('auditor', 'POST', path)).status).toBe(403);
    expect((await client.api('manager', 'POST', path)).status).toBe(200);
    await client.waitForStatus(created.proposalId, ['awaiting-approval']);
    expect((await detail(created.proposalId)).consultation.tally.support).toBe(1);
  });
});

describe('a reply that fails sender authentication (issue 21)', () => {
  /** Replies to the letter from the consultee's own address, with an Authentication-Results header. */
  const replyWithVerdict = (opened: Awaited<ReturnType<typeof openToOne>>, text: string, verdict: string) =>
    client.sendMail({
      from: opened.consultee,
      to: opened.letter.replyTo?.[0] ?? '',
      subject: `Re: ${opened.letter.subject}`,
      text,
      headers: { 'Authentication-Results': verdict },
    });

  it("is held like one from another address, though its From is the consultee's, until a manager accepts it", async () => {
    const opened = await openToOne('forged');
    const { created } = opened;
    // The relay in front of the local stack found DMARC failing: the From is forged.
    await replyWithVerdict(
      opened,
      "OBJECT\n\nForged in the councillor's name.",
      'local-smtp; spf=fail smtp.mailfrom=forger.example; dkim=none; dmarc=fail',
    );
    type Replies = Detail & { consultation: { replies: { replyId: string; authFailed?: boolean }[] } };
    const held = await client.waitFor('the reply', async () => {
      const d = await client.api<Replies>('manager', 'GET', `/proposals/${created.proposalId}`);
      return d.body.consultation.replies.length ? d.body : undefined;
    });
    expect(held.consultation.tally).toEqual({ support: 0, concerns: 0, object: 0, unclassified: 0 });
    expect(held.consultation.replies[0]).toMatchObject({ authFailed: true });
    await client.waitFor('the timeline entry', async () =>
      (await detail(created.proposalId)).timeline.some((e) =>
        (e as { detail?: string }).detail?.includes('failed sender authentication'),
      ),
    );
    const path = `/proposals/${created.proposalId}/replies/${held.consultation.replies[0]?.replyId}/accept`;
    expect((await client.api('manager', 'POST', path)).status).toBe(200);
    await client.waitForStatus(created.proposalId, ['awaiting-approval']);
    expect((await detail(created.proposalId)).consultation.tally.object).toBe(1);
  });

  it('takes no verdicts from a header any sender could write', async () => {
    const opened = await openToOne('selfcert');
    const { created } = opened;
    await replyWithVerdict(opened, 'SUPPORT', 'mx.forger.example; dmarc=fail');
    await client.waitForStatus(created.proposalId, ['awaiting-approval']);
    expect((await detail(created.proposalId)).consultation.tally.support).toBe(1);
  });
});

describe('a reply the parser cannot read (issue 21)', () => {
  it('is kept, matched by its envelope, and counted as unclassified for a person to read, not parked', async () => {
    const { consultee, created, letter } = await openToOne('nested');
    const to = letter.replyTo?.[0] ?? '';
    // 900 levels of multipart: beyond any MIME parser's limit (postal-mime stops at 256).
    let body = 'Content-Type: text/plain\r\n\r\nSUPPORT\r\n';
    for (let level = 0; level < 900; level++) {
      body = `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n${body}\r\n--b${level}--\r\n`;
    }
    const raw = [
      `From: ${consultee}`,
      `To: ${to}`,
      `Subject: Re: ${letter.subject}`,
      `Message-ID: <nested.${Date.now()}@tenterden.example>`,
      'MIME-Version: 1.0',
      body,
    ].join('\r\n');
    await client.sendMail({ from: consultee, to, subject: '', raw });
    type Replies = Detail & { consultation: { replies: { stance: string; comment: string }[] } };
    const d = await client.waitFor('the kept reply', async () => {
      const x = await client.api<Replies>('manager', 'GET', `/proposals/${created.proposalId}`);
      return x.body.consultation.replies.length ? x.body : undefined;
    });
    expect(d.consultation.replies[0]).toMatchObject({ stance: 'unclassified' });
    expect(d.consultation.replies[0]?.comment).toContain('could not be read');
    await client.waitForStatus(created.proposalId, ['awaiting-approval']);
    expect((await detail(created.proposalId)).consultation.tally.unclassified).toBe(1);
  });
});
