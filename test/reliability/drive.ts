// Driving whole lifecycles for the reliability suites (issue 15), as their users do: the manager
// over the HTTP API, every consultee replying over SMTP to the letter they received, the approver
// through the signed review link. Built on the benchmarks' drivers (bench/support/drive.ts).
import * as drivers from '../../bench/support/drive.js';
import type { BenchStack } from '../../bench/support/stack.js';

export interface Driven extends drivers.Opened {
  consultees: string[];
  approver: string;
}

/** Opens a proposal with `consultees` consultees; waits for its letters. */
export async function openAndMail(b: BenchStack, tag: string, consultees: number, timeoutMs = 120_000) {
  const input = drivers.benchProposal({ consultees, tag, deadlineSeconds: 3600 });
  const opened = await drivers.openProposal(b, input);
  const letters = await drivers.consultationMails(b, opened.reference, consultees, timeoutMs);
  return { input, opened, letters };
}

/** One whole lifecycle: open, every consultee replies once, the approver approves, the run ends. */
export async function driveLifecycle(
  b: BenchStack,
  sender: drivers.SmtpSender,
  tag: string,
  consultees: number,
  timeoutMs = 120_000,
): Promise<Driven> {
  const { input, opened, letters } = await openAndMail(b, tag, consultees, timeoutMs);
  await Promise.all(
    letters.map(async (letter, n) => {
      const raw = await drivers.rawMessage(
        drivers.replyMessage(letter, n, `<${tag}.${n}@consultee.example>`),
      );
      await sender.send(letter.to, letter.mail.replyTo?.[0] ?? '', raw);
    }),
  );
  await drivers.approve(b, opened, input.approver.email);
  await b.executions.waitFor(opened.proposalId, 'SUCCEEDED', timeoutMs);
  return {
    ...opened,
    consultees: input.consultees.map((c) => c.email.toLowerCase()),
    approver: input.approver.email,
  };
}

/** Polls the proposal (as a manager) until it has one of the statuses. */
export async function waitForStatus(
  b: BenchStack,
  proposalId: string,
  statuses: string[],
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await b.api<Record<string, unknown>>('manager', 'GET', `/proposals/${proposalId}`);
    if (answer.status === 200 && statuses.includes(String(answer.body.status))) return answer.body;
    if (Date.now() > deadline) {
      throw new Error(`proposal ${proposalId} is ${String(answer.body.status)}, not ${statuses.join('/')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls the proposal until its timeline has the event (a status can change just before its event). */
export async function waitForEvent(
  b: BenchStack,
  proposalId: string,
  event: string,
  timeoutMs = 60_000,
): Promise<{ status: string; timeline: { event: string; detail: string }[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await b.api<{ status: string; timeline: { event: string; detail: string }[] }>(
      'manager',
      'GET',
      `/proposals/${proposalId}`,
    );
    if (answer.status === 200 && answer.body.timeline.some((e) => e.event === event)) return answer.body;
    if (Date.now() > deadline) throw new Error(`proposal ${proposalId} has no ${event} event`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How many consultation letters each address received for this proposal. */
export function lettersPerAddress(b: BenchStack, reference: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of b.mail.consultation(reference)) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return counts;
}
