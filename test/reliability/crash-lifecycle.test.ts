// Issue 15, crash safety: `npm start` killed with SIGKILL at points of a lifecycle with 20
// consultees and a DPO (during the fan-out, while replies arrive over SMTP, during the DPO and
// approval steps, between the approval and its record, as the outcome goes out), started again on
// the same data, and the lifecycle finished. The test kills when the public surfaces show the
// point reached (the SES store, SMTP's answers, the proposal's status): no hook in the handlers.
// Quick form (npm test): two points. Long form (DPIA_SOAK=1): 20 points over two lifecycles.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MAIL_CONCURRENCY } from '../../functions/consultation/send.js';
import { DEFAULTS } from '../../functions/shared/config.js';
import { consulteeKey } from '../../functions/shared/keys.js';
import { LocalStackClient, type SentMail } from '../../local/client.js';
import { proposalInput } from '../support/stack.js';
import { killableStack } from '../support/stack-process.js';
import { reportSoak, SOAK } from './summary.js';

/** The 20 in the long form; the quick form's two points need fewer. */
const CONSULTEES = SOAK ? 20 : 6;
/** Slow enough to kill the stack mid-fan-out (the letters take 1-2 s), paced under by the sender. */
const SES_RATE = SOAK ? 10 : 8;
/** A crashed run's claims are taken again after this (the default, 120 s, suits AWS). */
const CLAIM_SECONDS = SOAK ? 2 : 0.5;

type Point =
  | { at: 'fan-out'; letters: number }
  | { at: 'replies'; accepted: number }
  | { at: 'dpo-waiting' | 'dpo-advised' | 'approval-waiting' | 'approved' | 'outcome' };

/** Quick form: mid-fan-out (the letters and their copies) and between the approval and its record (the chain). */
const QUICK: Point[][] = [[{ at: 'fan-out', letters: 3 }, { at: 'approved' }]];
/** A long-form lifecycle: killed at each count of letters sent, of replies accepted, then at each later step. */
const longForm = (letters: number[], accepted: number[]): Point[] => [
  ...letters.map((n): Point => ({ at: 'fan-out', letters: n })),
  ...accepted.map((n): Point => ({ at: 'replies', accepted: n })),
  { at: 'dpo-waiting' },
  { at: 'dpo-advised' },
  { at: 'approval-waiting' },
  { at: 'approved' },
  { at: 'outcome' },
];
const LONG: Point[][] = [longForm([1, 10, 19], [3, 13]), longForm([5, 12, 16], [8, 18])];
const PLAN = SOAK ? LONG : QUICK;

const stack = await killableStack('crash', {
  DPIA_LOG_LEVEL: 'warn',
  DPIA_SES_MAX_SEND_RATE: String(SES_RATE),
  DPIA_SEND_CLAIM_SECONDS: String(CLAIM_SECONDS),
});
const client = new LocalStackClient(stack.config);
const sfn = new SFNClient(stack.sdk('sfn'));
const table = DynamoDBDocumentClient.from(new DynamoDBClient(stack.sdk('dynamodb')));
let restarts = 0;

async function crash(): Promise<void> {
  await stack.crash();
  restarts += 1;
}

/** The proposal's consultation letters, from the SES store (restarts included). */
async function letters(reference: string): Promise<SentMail[]> {
  return (await client.sentMail()).filter(
    (m) => m.subject.includes(`[${reference}]`) && (m.replyTo ?? [])[0]?.startsWith('consult+'),
  );
}

/** Until the probe holds, trying again after a failure (the stack may be starting). */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>, ms = 30_000) =>
  client.waitFor(what, () => probe().catch(() => undefined), ms);

interface Counts {
  mailed: number;
  duplicates: number;
  accepted: number;
}

/** One lifecycle, killed at each of its points; returns what the suite reports. */
async function lifecycle(tag: string, points: Point[]): Promise<Counts> {
  const input = proposalInput({ consultees: 1, tag, dpo: true, deadlineSeconds: 3600 });
  input.consultees = Array.from({ length: CONSULTEES }, (_, i) => ({
    name: `Cllr Crash ${i}`,
    email: `crash${i}+${tag}@parish.example`,
  }));
  const emails = input.consultees.map((c) => c.email);
  const kills = (at: Point['at']) => points.filter((p) => p.at === at);
  const { proposalId, reference } = await client.openProposal(input);

  // 1. During the fan-out: killed once SES has taken so many letters.
  for (const p of kills('fan-out') as { letters: number }[]) {
    await until(`${p.letters} letters`, async () => (await letters(reference)).length >= p.letters, 20_000);
    await crash();
  }
  await until('a letter to every consultee', async () => {
    const to = new Set((await letters(reference)).map((m) => m.destination?.to?.[0]));
    return emails.every((e) => to.has(e));
  });

  // 2. While replies arrive over SMTP: each consultee answers once, with a fixed Message-ID. A
  // reply SMTP did not accept is sent again, as a mail server would; so is one it did accept
  // when the stack died before we heard (the same message: it must count once).
  const replyKills = (kills('replies') as { accepted: number }[]).map((p) => p.accepted);
  const acceptedIds = new Set<string>();
  for (const [i, email] of emails.entries()) {
    const messageId = `<crash-${tag}-${i}@parish.example>`;
    const send = async () => {
      const letter = (await letters(reference)).filter((m) => m.destination?.to?.[0] === email).at(-1);
      await client.sendMail({
        from: email,
        to: letter?.replyTo?.[0] as string,
        subject: `Re: ${letter?.subject}`,
        text: `SUPPORT\n\nReply ${i} from the crash test.\n`,
        headers: { 'Message-ID': messageId },
      });
    };
    await until(`SMTP to accept reply ${i}`, async () => {
      await send();
      return true;
    });
    acceptedIds.add(messageId);
    if (replyKills.includes(acceptedIds.size)) {
      // Killed as the next reply comes in; that one is retried above.
      const dying = crash();
      await send().catch(() => undefined);
      await dying;
    }
  }
  // A mail server that lost our 250 sends the last accepted message again.
  await until('a repeated delivery', async () => {
    const last = emails.length - 1;
    const letter = (await letters(reference)).filter((m) => m.destination?.to?.[0] === emails[last]).at(-1);
    await client.sendMail({
      from: emails[last] as string,
      to: letter?.replyTo?.[0] as string,
      subject: `Re: ${letter?.subject}`,
      text: `SUPPORT\n\nReply ${last} from the crash test.\n`,
      headers: { 'Message-ID': `<crash-${tag}-${last}@parish.example>` },
    });
    return true;
  });

  // 3. The DPO: killed while the advice link waits, and just after the advice is given.
  const dpoLink = await until('the advice link', () =>
    client.adviceLink(input.dpo?.email as string, reference),
  );
  if (kills('dpo-waiting').length > 0) await crash();
  const advice = 'Lawful and proportionate; proceed once the back-office link is encrypted.';
  const advised = await client.postSignedForm(dpoLink, { recommendation: 'proceed-with-conditions', advice });
  expect(advised.status).toBe(200);
  if (kills('dpo-advised').length > 0) await crash();

  // 4. The approver: killed while the link waits, and between the approval and its record.
  const reviewLink = await until('the review link', () => client.reviewLink(input.approver.email, reference));
  if (kills('approval-waiting').length > 0) await crash();
  const approved = await client.postSignedForm(reviewLink, {
    outcome: 'approved',
    rationale: 'Clear pressing need; concerns answered by the retention and access rules.',
    conditions: 'Encrypt the back-office link (principle 9) before go-live.',
    dpoAdvice: 'accepted',
  });
  expect(approved.status).toBe(200);
  if (kills('approved').length > 0) await crash();

  // 5. As the outcome goes out.
  if (kills('outcome').length > 0) {
    await until('the decision', () => client.waitForStatus(proposalId, ['approved'], 1000));
    await crash();
  }

  // Every execution ends in its right state.
  const executionArn = `arn:aws:states:eu-west-2:000000000000:execution:${DEFAULTS.stateMachineName}:${proposalId}`;
  const execution = await until('the lifecycle to end', async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status === 'RUNNING' ? undefined : d;
  });
  expect(execution.status).toBe('SUCCEEDED');
  type Detail = {
    status: string;
    consultation: { mailed: number; responded: number; tally: { support: number } };
    decision: { outcome: string } | null;
  };
  const detail = (await client.api<Detail>('manager', 'GET', `/proposals/${proposalId}`)).body;
  expect(detail.status).toBe('approved');
  expect(detail.decision?.outcome).toBe('approved');

  // Every consultee mailed; a second letter only where SES took one whose "mailed" mark the crash
  // stopped: that consultee's record names one letter, and the others have unconfirmed copies.
  const sent = await letters(reference);
  const byRecipient = new Map<string, SentMail[]>();
  for (const m of sent)
    byRecipient.set(m.destination?.to?.[0] as string, [
      ...(byRecipient.get(m.destination?.to?.[0] as string) ?? []),
      m,
    ]);
  expect([...byRecipient.keys()].sort()).toEqual([...emails].sort());
  expect(detail.consultation.mailed).toBe(CONSULTEES);
  const duplicates = sent.length - CONSULTEES;
  expect(duplicates).toBeLessThanOrEqual(kills('fan-out').length * MAIL_CONCURRENCY);

  type Copy = { kind: string; to: string; subject: string; messageId: string; sendConfirmed?: boolean };
  type Pack = { mails: Copy[]; replies: { raw: string | null; messageId?: string }[] };
  const packAnswer = await client.api<Pack>('auditor', 'GET', `/proposals/${proposalId}/evidence`);
  expect(packAnswer.status, packAnswer.text.slice(0, 500)).toBe(200);
  const pack = packAnswer.body;
  const copies = pack.mails.filter((m) => m.kind === 'consultation');
  for (const [email, theirs] of byRecipient) {
    const record = (
      await table.send(
        new GetCommand({ TableName: DEFAULTS.tableName, Key: consulteeKey(proposalId, email) }),
      )
    ).Item as { mailMarker: string; messageId?: string };
    expect(record.mailMarker).toBe('sent');
    // The evidence copy of every letter SES accepted exists.
    for (const letter of theirs) {
      const copy = copies.find(
        (c) => c.to === email && (c.messageId === letter.messageId || c.sendConfirmed === false),
      );
      expect(copy, `a copy of ${letter.messageId}`).toBeDefined();
    }
    if (theirs.length > 1) {
      expect(theirs.map((m) => m.messageId)).toContain(record.messageId);
      // A copy for each letter: confirmed with SES's id, or still unconfirmed when the crash came
      // before its confirmation (the confirmed copies are written before the grouped marks).
      const confirmed = theirs.filter((m) =>
        copies.some((c) => c.to === email && c.messageId === m.messageId),
      );
      const unconfirmed = copies.filter((c) => c.to === email && c.sendConfirmed === false).length;
      expect(confirmed.length + unconfirmed).toBeGreaterThanOrEqual(theirs.length);
    }
  }

  // So does the copy of every other mail of the proposal SES accepted (the DPO's and the
  // approver's links, the outcomes): written before the send, so a crash cannot lose it.
  const others = (await client.sentMail()).filter(
    (m) => m.subject.includes(`[${reference}]`) && !(m.replyTo ?? [])[0]?.startsWith('consult+'),
  );
  expect(others.length).toBeGreaterThanOrEqual(2 + CONSULTEES);
  // Everyone who replied is told the outcome: a claim a killed run never confirmed is taken again.
  const told = new Set(others.map((m) => m.destination?.to?.[0]));
  for (const email of emails) expect(told.has(email), `the outcome to ${email}`).toBe(true);
  for (const m of others) {
    const copy = pack.mails.find(
      (c) =>
        c.kind !== 'consultation' &&
        c.to === m.destination?.to?.[0] &&
        c.subject === m.subject &&
        (c.messageId === m.messageId || c.sendConfirmed === false),
    );
    expect(copy, `a copy of ${m.subject} to ${m.destination?.to?.[0]}`).toBeDefined();
  }

  // Every message SMTP accepted is stored and counted once.
  expect(detail.consultation.responded).toBe(acceptedIds.size);
  expect(detail.consultation.tally.support).toBe(acceptedIds.size);
  expect(pack.replies).toHaveLength(acceptedIds.size);
  for (const r of pack.replies) expect(r.raw).not.toBeNull();
  return { mailed: byRecipient.size, duplicates, accepted: acceptedIds.size };
}

describe('kill -9 of the local stack during a lifecycle', () => {
  it(`finishes every lifecycle, nothing lost or counted twice (${PLAN.flat().length} kill points)`, async () => {
    await stack.start();
    const totals = { mailed: 0, duplicates: 0, accepted: 0 };
    for (const [i, points] of PLAN.entries()) {
      const counts = await lifecycle(`crash${i}`, points);
      totals.mailed += counts.mailed;
      totals.duplicates += counts.duplicates;
      totals.accepted += counts.accepted;
    }
    // The chain verifies.
    const verify = await client.api<{ ok: boolean }>('auditor', 'GET', '/audit/verify');
    expect(verify.body).toMatchObject({ ok: true });
    expect(restarts).toBe(PLAN.flat().length);
    reportSoak('crash safety', {
      points: PLAN.flat().length,
      restarts,
      mailed: totals.mailed,
      duplicates: totals.duplicates,
      replies: totals.accepted,
      lost: 0,
      doubled: 0,
    });
  }, 600_000);
});
