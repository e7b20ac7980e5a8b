// A client for a running local stack that acts only through its public surfaces: the HTTP API
// with a bearer token, the SES sent-mail store, and SMTP for consultee replies. `dpia demo` and
// the integration tests drive the product with it, as a user would.
import nodemailer from 'nodemailer';
import type { LocalConfig } from './config.js';
import { serviceUrl } from './config.js';
import { isConnectionFailure, NoConsultationMailError, StackUnreachableError } from './errors.js';
import { mintToken } from './jwt.js';

export { NoConsultationMailError, StackUnreachableError };

export interface SentMail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination?: { to?: string[] };
  subject: string;
  body?: { text?: string; html?: string };
  at: number;
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export class LocalStackClient {
  constructor(readonly config: LocalConfig) {}

  get apiUrl(): string {
    return serviceUrl(this.config, 'api');
  }

  private readonly tokens = new Map<string, Promise<string>>();

  /** A token per role and user, minted once: tokens last 12 hours, longer than any test or run. */
  token(role: 'manager' | 'auditor', user = `${role}@police.example`): Promise<string> {
    const key = `${role}/${user}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = mintToken({ dataDir: this.config.dataDir, role, user });
      this.tokens.set(key, token);
    }
    return token;
  }

  async api<T = unknown>(
    role: 'manager' | 'auditor' | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: {
        ...(role ? { authorization: `Bearer ${await this.token(role)}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // HTML or CSV
    }
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  }

  /** POST /proposals as a manager: the new proposal's id and reference, or an error saying why not. */
  async openProposal(input: unknown): Promise<{ proposalId: string; reference: string }> {
    const created = await this.api<{ proposalId: string; reference: string }>(
      'manager',
      'POST',
      '/proposals',
      input,
    );
    if (created.status !== 201) {
      throw new Error(`POST /proposals answered ${created.status}: ${created.text.slice(0, 500)}`);
    }
    return created.body;
  }

  async sentMail(): Promise<SentMail[]> {
    const url = `${serviceUrl(this.config, 'ses')}/store`;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      if (isConnectionFailure(error)) throw new StackUnreachableError('SES store', url);
      throw error;
    }
    const store = (await response.json()) as { emails: SentMail[] };
    return store.emails;
  }

  /** Mail sent to an address whose subject carries the reference, oldest first. */
  async mailTo(address: string, reference: string): Promise<SentMail[]> {
    const wanted = address.toLowerCase();
    return (await this.sentMail())
      .filter(
        (m) =>
          m.subject.includes(`[${reference}]`) &&
          (m.destination?.to ?? []).some((to) => to.toLowerCase().includes(wanted)),
      )
      .sort((a, b) => a.at - b.at);
  }

  /** Sends a raw RFC 5322 message (or a simple one) over SMTP to the local inbound server. */
  async sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text?: string;
    html?: string;
    headers?: Record<string, string>;
    raw?: string;
  }): Promise<void> {
    const transport = nodemailer.createTransport({
      host: this.config.host,
      port: this.config.ports.smtp,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail(
        message.raw
          ? { envelope: { from: message.from, to: [message.to] }, raw: message.raw }
          : {
              from: message.from,
              to: message.to,
              subject: message.subject,
              ...(message.text !== undefined ? { text: message.text } : {}),
              ...(message.html !== undefined ? { html: message.html } : {}),
              ...(message.headers ? { headers: message.headers } : {}),
            },
      );
    } catch (error) {
      if (isConnectionFailure(error)) {
        throw new StackUnreachableError('SMTP server', `${this.config.host}:${this.config.ports.smtp}`);
      }
      throw error;
    } finally {
      transport.close();
    }
  }

  /** Replies to the consultation mail an address received, the way a mail client would. */
  async replyAsConsultee(
    address: string,
    reference: string,
    firstLine: string,
    comment = '',
    from = address,
  ) {
    // The newest consultation mail, as a person answers the latest one they received.
    const mail = (await this.mailTo(address, reference))
      .filter((m) => (m.replyTo ?? [])[0]?.startsWith('consult+'))
      .at(-1);
    const replyTo = mail?.replyTo?.[0];
    if (!mail || !replyTo) throw new NoConsultationMailError(address, reference);
    const quoted = (mail.body?.text ?? '')
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    await this.sendMail({
      from,
      to: replyTo,
      subject: `Re: ${mail.subject}`,
      text: `${firstLine}\n\n${comment}\n\nOn ${new Date(mail.at * 1000).toUTCString()}, ${mail.from} wrote:\n${quoted}\n`,
      headers: { 'In-Reply-To': `<${mail.messageId}>` },
    });
  }

  async waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined | false>,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async waitForStatus(proposalId: string, statuses: string[], timeoutMs = 20_000) {
    return this.waitFor(
      `proposal ${proposalId} to reach ${statuses.join('/')}`,
      async () => {
        const answer = await this.api<{ status: string }>('manager', 'GET', `/proposals/${proposalId}`);
        return statuses.includes(answer.body.status) ? answer.body : undefined;
      },
      timeoutMs,
    );
  }

  /**
   * Posts the form behind a signed link (the approver's review, the DPO's advice) as the person's
   * browser does: the link's own `sig` and `fields`, form-encoded, with no sign-in.
   */
  postSignedForm<T = unknown>(link: string | URL, fields: Record<string, string>): Promise<ApiAnswer<T>> {
    const url = new URL(link, this.apiUrl);
    const form = new URLSearchParams({ sig: url.searchParams.get('sig') ?? '', ...fields });
    return this.api<T>(null, 'POST', url.pathname, form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
  }

  /** The review link mailed to the approver, as `/review/<id>?sig=...` (path and query). */
  reviewLink(approver: string, reference: string): Promise<string> {
    return this.signedLink(approver, reference, 'review');
  }

  /** The advice link mailed to the DPO, as `/dpo/<id>?sig=...` (path and query). */
  adviceLink(dpo: string, reference: string): Promise<string> {
    return this.signedLink(dpo, reference, 'dpo');
  }

  /** The review link, once its mail has gone (the approver's stage may still be starting). */
  waitForReviewLink(approver: string, reference: string, timeoutMs?: number): Promise<string> {
    return this.waitFor(
      `the review link to ${approver}`,
      () => this.reviewLink(approver, reference).catch(() => undefined),
      timeoutMs,
    );
  }

  /** The advice link, once its mail has gone. */
  waitForAdviceLink(dpo: string, reference: string, timeoutMs?: number): Promise<string> {
    return this.waitFor(
      `the advice link to ${dpo}`,
      () => this.adviceLink(dpo, reference).catch(() => undefined),
      timeoutMs,
    );
  }

  private async signedLink(to: string, reference: string, kind: SignedLinkKind): Promise<string> {
    const link = newestSignedLink(await this.mailTo(to, reference), kind);
    if (!link) throw new Error(`no ${kind} link for ${reference} reached ${to}`);
    return link;
  }
}

export type SignedLinkKind = 'review' | 'dpo';

/**
 * The signed link (`/review/<id>?sig=...` or `/dpo/<id>?sig=...`, path and query) of the newest of
 * these mails that carries one; a later mail without a link (a reminder's copy, a withdrawal) does
 * not hide it.
 */
export function newestSignedLink(
  mails: readonly { body?: { text?: string | undefined } | undefined }[],
  kind: SignedLinkKind,
): string | undefined {
  const pattern = new RegExp(`https?://[^\\s]+/${kind}/[^\\s?]+\\?sig=[^\\s]+`);
  const match = mails
    .map((m) => m.body?.text?.match(pattern))
    .filter((m) => m)
    .at(-1);
  if (!match) return undefined;
  const url = new URL(match[0]);
  return url.pathname + url.search;
}
