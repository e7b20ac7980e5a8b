// dpia reply: answer a consultation e-mail as a consultee would, with a real message over SMTP
// to the Reply-To address the consultation mail carried (found in the local SES store).
import nodemailer from 'nodemailer';
import { resolveLocalConfig, serviceUrl } from '../../local/config.js';
import { type ApiOptions, callApi, explainError } from '../api.js';
import { CliError, EXIT_FAILURE } from '../errors.js';

interface StoredMail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination?: { to?: string[] };
  subject: string;
  body?: { text?: string };
  at: number;
}

export interface ReplyOptions extends ApiOptions {
  from: string;
  stance: string;
  subjectOnly?: boolean;
}

const STANCES = ['support', 'concerns', 'object'];

export async function replyCommand(id: string, words: string[], options: ReplyOptions): Promise<string> {
  const stance = options.stance.toLowerCase();
  if (!STANCES.includes(stance)) throw new CliError([`--stance must be one of: ${STANCES.join(', ')}`]);
  const detail = await callApi(options, 'manager', 'GET', `/proposals/${encodeURIComponent(id)}`);
  if (detail.status !== 200) throw explainError(detail);
  const reference = (detail.body as { reference: string }).reference;

  const config = resolveLocalConfig();
  const mail = await findConsultationMail(serviceUrl(config, 'ses'), options.from, reference);
  const replyTo = mail.replyTo?.[0];
  if (!replyTo)
    throw new CliError([`The consultation mail for ${reference} has no Reply-To address.`], EXIT_FAILURE);

  const comment = words.join(' ').trim();
  const quoted = (mail.body?.text ?? '')
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  const text = [
    stance.toUpperCase(),
    ...(comment ? ['', comment] : []),
    '',
    `On ${new Date(mail.at * 1000).toUTCString()}, ${mail.from} wrote:`,
    quoted,
  ].join('\n');

  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.ports.smtp,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({
      from: options.from,
      to: replyTo,
      subject: `Re: ${mail.subject}`,
      text,
      inReplyTo: `<${mail.messageId}>`,
      references: [`<${mail.messageId}>`],
    });
    return `Reply sent for ${reference} (${stance}) as ${info.messageId}`;
  } catch (error) {
    throw new CliError([`The SMTP server refused the reply: ${(error as Error).message}`], EXIT_FAILURE);
  } finally {
    transport.close();
  }
}

async function findConsultationMail(sesUrl: string, address: string, reference: string): Promise<StoredMail> {
  let store: { emails: StoredMail[] };
  try {
    store = (await (await fetch(`${sesUrl}/store`)).json()) as { emails: StoredMail[] };
  } catch {
    throw new CliError(
      [`Cannot read the local SES store at ${sesUrl}: is the local stack running?`],
      EXIT_FAILURE,
    );
  }
  const wanted = address.toLowerCase();
  const mails = store.emails.filter(
    (m) =>
      m.subject.includes(`[${reference}]`) &&
      (m.destination?.to ?? []).some((to) => to.toLowerCase().includes(wanted)) &&
      (m.replyTo ?? []).some((r) => r.startsWith('consult+')),
  );
  const latest = mails.sort((a, b) => b.at - a.at)[0];
  if (!latest)
    throw new CliError([`No consultation mail for ${reference} was sent to ${address}.`], EXIT_FAILURE);
  return latest;
}
