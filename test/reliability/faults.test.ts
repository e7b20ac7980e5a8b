// Issue 15, fault injection: the local stack's AWS calls go through fault proxies (local/faults.ts,
// DPIA_FAULTS) that throttle or fail a share of them, and its Lambda runtime can report a function
// timed out. Retries (the SDK's, the state machine's Retry blocks, SES receiving's re-invocation)
// carry the lifecycle through; a step that still fails leaves the proposal `failed` with the step
// and error in its timeline, never stalled silently, and `dpia redrive` resumes it there. Nothing
// is mailed twice and no reply counts twice.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approve, rawMessage, replyMessage, SmtpSender } from '../../bench/support/drive.js';
import { type BenchStack, startBenchStack } from '../../bench/support/stack.js';
import { redriveCommand } from '../../cli/commands/lifecycle.js';
import { faults } from '../../local/faults.js';
import { driveLifecycle, lettersPerAddress, openAndMail, waitForEvent, waitForStatus } from './drive.js';
import { reportSoak, soakSize } from './summary.js';

let b: BenchStack;
let sender: SmtpSender;
const counts = { cases: 0, proposals: 0, lost: 0, doubled: 0, redriven: 0 };

interface Detail {
  status: string;
  reference: string;
  consultation: { mailed: number; responded: number; tally: Record<string, number> };
  timeline: { event: string; detail: string }[];
}
const detail = async (id: string) => (await b.api<Detail>('manager', 'GET', `/proposals/${id}`)).body;

/** Letters per consultee: each must have exactly one (a second is a double, none is lost). */
function checkLetters(reference: string, consultees: string[]): void {
  const letters = lettersPerAddress(b, reference);
  for (const email of consultees) {
    const n = letters.get(email) ?? 0;
    if (n === 0) counts.lost += 1;
    if (n > 1) counts.doubled += n - 1;
  }
  expect(Object.fromEntries(consultees.map((e) => [e, letters.get(e) ?? 0]))).toEqual(
    Object.fromEntries(consultees.map((e) => [e, 1])),
  );
}

const smtpFailed = () => readdirSync(join(b.stack.config.dataDir, 'smtp', 'failed'));

beforeAll(async () => {
  // Read when the stack starts: the proxies are in place, with no rule yet; retries run at 1/100 of
  // the deployed intervals (same attempts, same backoff).
  process.env.DPIA_FAULTS = '[]';
  process.env.DPIA_SFN_RETRY_SCALE = '0.01';
  b = await startBenchStack('faults');
  sender = new SmtpSender(b, 8);
}, 60_000);

afterAll(async () => {
  faults.set([]);
  reportSoak('fault injection', {
    cases: counts.cases,
    proposals: counts.proposals,
    faults: faults.total(),
    redriven: counts.redriven,
    lost: counts.lost,
    doubled: counts.doubled,
  });
  sender?.close();
  await b?.close();
  delete process.env.DPIA_FAULTS;
  delete process.env.DPIA_SFN_RETRY_SCALE;
});

describe('fault injection', () => {
  it('carries every proposal through SES throttling and 5xx, DynamoDB throttling and S3 errors on a share of calls', async () => {
    counts.cases += 1;
    const before = faults.total();
    faults.set([
      { service: 'ses', fault: 'throttle', share: 0.2 },
      { service: 'ses', fault: 'server-error', share: 0.1 },
      { service: 'dynamodb', fault: 'throttle', share: 0.05 },
      { service: 'dynamodb', fault: 'server-error', share: 0.02 },
      { service: 's3', operation: 'GET', fault: 'server-error', share: 0.1 },
    ]);
    const proposals = soakSize(1, 20);
    const consultees = soakSize(3, 10);
    const driven = await Promise.all(
      Array.from({ length: proposals }, (_, i) => driveLifecycle(b, sender, `share${i}`, consultees)),
    );
    faults.set([]);
    counts.proposals += driven.length;
    expect(faults.total() - before).toBeGreaterThan(0);
    for (const d of driven) {
      const p = await detail(d.proposalId);
      expect(p.status).toBe('approved');
      expect(p.consultation.responded).toBe(consultees);
      checkLetters(d.reference, d.consultees);
    }
    expect(smtpFailed()).toEqual([]);
    const verify = await b.api<{ ok: boolean; checked: number }>('auditor', 'GET', '/audit/verify');
    expect(verify.body.ok).toBe(true);
  }, 180_000);

  it('marks a proposal failed at the step and error when SES keeps failing, and a redrive resumes it without a second letter', async () => {
    counts.cases += 1;
    // The fan-out's first two letters go; every SendEmail after them fails, past every retry.
    faults.set([{ service: 'ses', operation: 'SendEmail', fault: 'server-error', skip: 2, count: 10_000 }]);
    const { benchProposal, openProposal } = await import('../../bench/support/drive.js');
    const input = benchProposal({ consultees: 5, tag: 'stall', deadlineSeconds: 3600 });
    const opened = await openProposal(b, input);
    const failed = await waitForEvent(b, opened.proposalId, 'failed');
    expect(failed.status).toBe('failed');
    faults.set([]);
    const event = failed.timeline.find((e) => e.event === 'failed');
    expect(event?.detail).toContain('at SendConsultation');
    expect(event?.detail).toContain('ServiceUnavailable');
    const sfn = new SFNClient({});
    const arn = `${b.stack.stateMachineArn?.replace(':stateMachine:', ':execution:')}:${opened.proposalId}`;
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('FAILED');

    // Only a manager resumes, and only a failed proposal.
    expect((await b.api('auditor', 'POST', `/proposals/${opened.proposalId}/redrive`)).status).toBe(403);
    const resumed = await b.api<{ status: string; resumedAt: string }>(
      'manager',
      'POST',
      `/proposals/${opened.proposalId}/redrive`,
    );
    expect(resumed.status).toBe(200);
    expect(resumed.body.resumedAt).toBe('SendConsultation');
    counts.redriven += 1;
    await waitForStatus(b, opened.proposalId, ['consulting']);
    expect((await b.api('manager', 'POST', `/proposals/${opened.proposalId}/redrive`)).status).toBe(409);
    const { consultationMails } = await import('../../bench/support/drive.js');
    const letters = await consultationMails(b, opened.reference, 5);
    for (const [n, letter] of letters.entries()) {
      const raw = await rawMessage(replyMessage(letter, n, `<stall.${n}@consultee.example>`));
      await sender.send(letter.to, letter.mail.replyTo?.[0] ?? '', raw);
    }
    await approve(b, opened, input.approver.email);
    await b.executions.waitFor(opened.proposalId, 'SUCCEEDED');
    counts.proposals += 1;
    checkLetters(
      opened.reference,
      input.consultees.map((c) => c.email.toLowerCase()),
    );
    const done = await detail(opened.proposalId);
    expect(done.status).toBe('approved');
    expect(done.timeline.map((e) => e.event)).toContain('redriven');
  }, 120_000);

  it('retries a Lambda that timed out after doing its work, and the work counts once', async () => {
    counts.cases += 1;
    faults.set([
      { service: 'lambda', operation: 'score-proposal', fault: 'timeout', count: 1 },
      { service: 'lambda', operation: 'send-consultation', fault: 'timeout', count: 1 },
      { service: 'lambda', operation: 'record-decision', fault: 'timeout', count: 1 },
    ]);
    const timeoutsBefore = faults.injected['lambda timeout'] ?? 0;
    const d = await driveLifecycle(b, sender, 'timeout', 4);
    faults.set([]);
    expect((faults.injected['lambda timeout'] ?? 0) - timeoutsBefore).toBe(3);
    counts.proposals += 1;
    checkLetters(d.reference, d.consultees);
    const p = await detail(d.proposalId);
    expect(p.status).toBe('approved');
    const events = p.timeline.map((e) => e.event);
    expect(events.filter((e) => e === 'scored')).toHaveLength(1);
    expect(events.filter((e) => e === 'decided')).toHaveLength(1);
    const decisions = await b.api<{ items: { proposalId: string }[] }>(
      'auditor',
      'GET',
      '/decisions?limit=200',
    );
    expect(decisions.body.items.filter((x) => x.proposalId === d.proposalId)).toHaveLength(1);
    expect((await b.api<{ ok: boolean }>('auditor', 'GET', '/audit/verify')).body.ok).toBe(true);
  }, 120_000);

  it('fails a step whose Lambda times out past its retry, and dpia redrive finishes it', async () => {
    counts.cases += 1;
    faults.set([{ service: 'lambda', operation: 'close-consultation', fault: 'timeout', count: 2 }]);
    const { input, opened, letters } = await openAndMail(b, 'late', 2);
    for (const [n, letter] of letters.entries()) {
      const raw = await rawMessage(replyMessage(letter, n, `<late.${n}@consultee.example>`));
      await sender.send(letter.to, letter.mail.replyTo?.[0] ?? '', raw);
    }
    const failed = await waitForEvent(b, opened.proposalId, 'failed');
    expect(failed.status).toBe('failed');
    expect(failed.timeline.find((e) => e.event === 'failed')?.detail).toContain(
      'at CloseConsultation on an error (Sandbox.Timedout)',
    );
    // The CLI, as an operator runs it against the local stack.
    process.env.DPIA_DATA_DIR = b.stack.config.dataDir;
    process.env.DPIA_API_PORT = String(b.stack.config.ports.api);
    try {
      expect(await redriveCommand(opened.proposalId, {})).toContain('resumed at CloseConsultation');
    } finally {
      delete process.env.DPIA_DATA_DIR;
      delete process.env.DPIA_API_PORT;
    }
    counts.redriven += 1;
    await approve(b, opened, input.approver.email);
    await b.executions.waitFor(opened.proposalId, 'SUCCEEDED');
    counts.proposals += 1;
    const p = await detail(opened.proposalId);
    expect(p.status).toBe('approved');
    expect(p.consultation.responded).toBe(2);
  }, 120_000);

  it('re-reads an inbound message after an S3 read failure, and counts racing duplicate deliveries once', async () => {
    counts.cases += 1;
    const { opened, letters } = await openAndMail(b, 's3read', 3);
    // Three failed reads: the SDK's three attempts of the first invocation; SES receiving invokes again.
    const s3Before = faults.injected['s3 server-error'] ?? 0;
    faults.set([{ service: 's3', operation: 'GET', keyPrefix: 'inbound/', fault: 'server-error', count: 3 }]);
    const [first, second] = letters;
    if (!first || !second) throw new Error('letters missing');
    await sender.send(
      first.to,
      first.mail.replyTo?.[0] ?? '',
      await rawMessage(replyMessage(first, 0, '<s3read.0@consultee.example>')),
    );
    // The same message five times at once (a mail server retrying), racing on the conditional writes.
    const duplicate = await rawMessage(replyMessage(second, 2, '<s3read.dup@consultee.example>'));
    await Promise.all(
      Array.from({ length: 5 }, () => sender.send(second.to, second.mail.replyTo?.[0] ?? '', duplicate)),
    );
    const deadline = Date.now() + 30_000;
    let p = await detail(opened.proposalId);
    while (p.consultation.responded < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      p = await detail(opened.proposalId);
    }
    faults.set([]);
    expect((faults.injected['s3 server-error'] ?? 0) - s3Before).toBe(3);
    // Let any straggling duplicate finish before counting.
    await new Promise((r) => setTimeout(r, 500));
    p = await detail(opened.proposalId);
    expect(p.consultation.responded).toBe(2);
    expect(p.consultation.tally).toMatchObject({ support: 1, object: 1 });
    expect(p.timeline.filter((e) => e.event === 'reply-received')).toHaveLength(2);
    if (p.consultation.responded > 2) counts.doubled += p.consultation.responded - 2;
    if (p.consultation.responded < 2) counts.lost += 2 - p.consultation.responded;
    expect(smtpFailed()).toEqual([]);
  }, 60_000);
});
