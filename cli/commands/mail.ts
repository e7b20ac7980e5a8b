// dpia mail: the mail the local stack has sent (its SES store), oldest first, one block per mail,
// with the link each carries (a review or advice link, a consultation's Reply-To address), so
// nobody has to read the store's single line of JSON. Local only.

import { formatUkDateTime } from '../../functions/shared/uk-dates.js';
import { LocalStackClient, type SentMail } from '../../local/client.js';
import { resolveLocalConfig } from '../../local/config.js';
import { count } from '../words.js';

export interface MailOptions {
  to?: string;
  reference?: string;
  json?: boolean;
}

/** One sent mail as the command shows it. */
export interface MailLine {
  sentAt: string;
  to: string[];
  subject: string;
  reviewLink: string | null;
  adviceLink: string | null;
  replyTo: string | null;
}

const link = (text: string, kind: 'review' | 'dpo'): string | null =>
  new RegExp(`https?://\\S+/${kind}/[^\\s?]+\\?sig=\\S+`).exec(text)?.[0] ?? null;

export function mailLine(mail: SentMail): MailLine {
  const text = mail.body?.text ?? '';
  return {
    sentAt: new Date(mail.at * 1000).toISOString(),
    to: mail.destination?.to ?? [],
    subject: mail.subject,
    reviewLink: link(text, 'review'),
    adviceLink: link(text, 'dpo'),
    replyTo: mail.replyTo?.[0] ?? null,
  };
}

export async function mailCommand(options: MailOptions): Promise<string> {
  const client = new LocalStackClient(resolveLocalConfig());
  const to = options.to?.trim().toLowerCase();
  const reference = options.reference?.trim().toUpperCase();
  const mails = (await client.sentMail())
    .filter((m) => !to || (m.destination?.to ?? []).some((address) => address.toLowerCase().includes(to)))
    .filter((m) => !reference || m.subject.toUpperCase().includes(`[${reference}]`))
    .sort((a, b) => a.at - b.at)
    .map(mailLine);
  if (options.json) return JSON.stringify(mails, null, 2);
  const filters = [to ? `to ${options.to}` : '', reference ? `about ${reference}` : ''].filter(Boolean);
  if (mails.length === 0) return `No mail sent${filters.length ? ` ${filters.join(' ')}` : ''} yet.`;
  return [
    `${count(mails.length, 'mail')} sent${filters.length ? ` ${filters.join(' ')}` : ''}, oldest first:`,
    ...mails.flatMap((m) => [
      '',
      `${formatUkDateTime(m.sentAt)}  to ${m.to.join(', ')}`,
      `  ${m.subject}`,
      ...(m.reviewLink ? [`  Review link: ${m.reviewLink}`] : []),
      ...(m.adviceLink ? [`  Advice link: ${m.adviceLink}`] : []),
      ...(m.replyTo ? [`  Replies go to: ${m.replyTo}`] : []),
    ]),
  ].join('\n');
}
