// Driving proposals through the lifecycle as its users do: the manager over the HTTP API,
// consultees by replying over SMTP to the letter they received, the approver through the signed
// review link. Shared by the lifecycle, fan-out, ingestion and transition benchmarks.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { BenchStack, WatchedMail } from './stack.js';

export interface ProposalInputShape extends Record<string, unknown> {
  consultees: { name: string; email: string; organisation?: string }[];
  approver: { name: string; email: string };
  dpo?: { name: string; email: string };
  responseDeadline: string;
}

const example = JSON.parse(
  readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8'),
) as ProposalInputShape;

/** The Tenterden example with `consultees` generated consultees (unique per tag) and a deadline. */
export function benchProposal(options: { consultees: number; tag: string; deadlineSeconds: number }) {
  const input = structuredClone(example);
  // Without a DPO: the benchmarks time consultation and approval, not a person's advice.
  delete input.dpo;
  input.consultees = Array.from({ length: options.consultees }, (_, i) => ({
    name: `Cllr ${options.tag.toUpperCase()} Consultee ${i + 1}`,
    email: `c${i + 1}.${options.tag}@parish${i % 7}.example`,
    organisation: `Parish Council ${(i % 17) + 1}`,
  }));
  input.approver = { name: 'Ch Supt Bench Approver', email: `approver.${options.tag}@police.example` };
  input.responseDeadline = new Date(Date.now() + options.deadlineSeconds * 1000).toISOString();
  return input;
}

export interface Opened {
  proposalId: string;
  reference: string;
}

export async function openProposal(b: BenchStack, input: unknown): Promise<Opened> {
  const answer = await b.api<Opened & { error?: string }>('manager', 'POST', '/proposals', input);
  if (answer.status !== 201) throw new Error(`POST /proposals answered ${answer.status}: ${answer.text}`);
  return answer.body;
}

/** Waits until `count` consultation letters of the proposal have been accepted by SES. */
export function consultationMails(b: BenchStack, reference: string, count: number, timeoutMs = 120_000) {
  return b.mail.waitFor(
    `${count} consultation mails of ${reference}`,
    () => {
      const mails = b.mail.consultation(reference);
      return mails.length >= count ? mails : undefined;
    },
    timeoutMs,
  );
}

const FIRST_LINES = ['SUPPORT', 'Concerns', 'OBJECT', 'No objection from the parish council.'];

/** A reply as a mail client writes it: stance first, a comment, then the quoted letter. */
export function replyMessage(letter: WatchedMail, n: number, messageId: string) {
  const { mail } = letter;
  const quoted = (mail.body?.text ?? '')
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  return {
    from: letter.to,
    to: mail.replyTo?.[0] ?? '',
    subject: `Re: ${mail.subject}`,
    messageId,
    inReplyTo: `<${mail.messageId}>`,
    text:
      `${FIRST_LINES[n % FIRST_LINES.length]}\n\nReply ${n}: rural crime has been raised at every parish meeting this year.\n\n` +
      `On ${new Date(mail.at * 1000).toUTCString()}, ${mail.from} wrote:\n${quoted}\n`,
  };
}

/** Builds the raw RFC 5322 bytes of a message, as the sending mail client would put them on the wire. */
export function rawMessage(message: ReturnType<typeof replyMessage>): Promise<Buffer> {
  return new MailComposer(message).compile().build();
}

/** Sends raw messages over SMTP, at most `connections` at a time on pooled connections. */
export class SmtpSender {
  private readonly transport;

  constructor(b: BenchStack, connections: number) {
    this.transport = nodemailer.createTransport({
      host: b.config.host,
      port: b.config.ports.smtp,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: connections,
      maxMessages: Number.POSITIVE_INFINITY,
    });
  }

  async send(from: string, to: string, raw: Buffer): Promise<void> {
    await this.transport.sendMail({ envelope: { from, to: [to] }, raw });
  }

  close(): void {
    this.transport.close();
  }
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Waits for the review link the approver was mailed and approves through it. */
export async function approve(b: BenchStack, opened: Opened, approver: string): Promise<void> {
  const link = await b.mail.waitFor(`the review link of ${opened.reference}`, () =>
    b.mail.reviewLink(opened.reference, approver),
  );
  const url = new URL(link, 'http://x');
  const form = new URLSearchParams({
    sig: url.searchParams.get('sig') ?? '',
    outcome: 'approved',
    rationale: 'Clear pressing need; the concerns raised are answered by the retention and access rules.',
    // Issue 19: a decision against a consultee's view gives reasons that address it.
    consulteeResponse:
      'The objection and concerns are met by the 90-day access limit, the annual review and not disclosing the site.',
    // Needed when the checklist marks a principle as not met, and harmless otherwise.
    conditions: 'Review the camera after twelve months and report the read rate to the council.',
  }).toString();
  const answer = await b.api(null, 'POST', url.pathname, form, FORM);
  if (answer.status !== 200) throw new Error(`POST ${url.pathname} answered ${answer.status}`);
}

/** A tiny counting semaphore: at most `limit` of the wrapped calls run at once. */
export function limiter(limit: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    active += 1;
    try {
      return await work();
    } finally {
      active -= 1;
      queue.shift()?.();
    }
  };
}
