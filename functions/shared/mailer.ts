// Sending e-mail through SES (the v1 SendEmail API, which the local SES emulator also serves).
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { ses } from './clients/ses.js';
import { ENV } from './config.js';
import { requiredEnv } from './env.js';
import { type ArchivedMail, keepMailCopies, type MailKind, mailCopy } from './mail-archive.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  replyTo?: string;
}

/**
 * Sends one message; returns the SES message id. With `archive`, a copy goes to the proposal's
 * evidence (credentials withheld) once SES has accepted it.
 */
export async function sendMail(
  mail: OutgoingMail,
  archive?: { proposalId: string; kind: MailKind },
): Promise<string> {
  const out = await ses.send(
    new SendEmailCommand({
      Source: requiredEnv(ENV.senderAddress),
      Destination: { ToAddresses: [mail.to] },
      ...(mail.replyTo ? { ReplyToAddresses: [mail.replyTo] } : {}),
      Message: {
        Subject: { Data: mail.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
      },
    }),
  );
  const messageId = out.MessageId ?? '';
  if (archive) await keepMailCopies(archive.proposalId, [copyOfSent(mail, archive.kind, messageId)]);
  return messageId;
}

/** The evidence copy of a mail SES accepted (see mail-archive.ts). */
export const copyOfSent = (mail: OutgoingMail, kind: MailKind, messageId: string): ArchivedMail =>
  mailCopy(
    {
      kind,
      to: mail.to,
      replyTo: mail.replyTo ?? null,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    },
    messageId,
  );
