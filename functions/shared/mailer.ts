// Sending e-mail through SES (the v1 SendEmail API, which the local SES emulator also serves).
import { randomUUID } from 'node:crypto';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { ses } from './clients/ses.js';
import { ENV } from './config.js';
import { requiredEnv } from './env.js';
import { log } from './logger.js';
import {
  type ArchivedMail,
  type MailKind,
  mailCopy,
  preparedCopiesKey,
  putMailCopies,
} from './mail-archive.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  replyTo?: string;
}

/**
 * Sends one message; returns the SES message id. With `archive`, its evidence copy (credentials
 * withheld) is written before the send, unconfirmed, and rewritten with SES's id once SES has
 * accepted it, as the consultation letters are (functions/consultation/send.ts): a crash between
 * SES's answer and the copy leaves the unconfirmed copy. No copy, no mail: when the first write
 * fails, nothing is sent and the error goes to the caller (whose retry sends it). A mail SES
 * refused keeps no copy (its object is emptied).
 */
export async function sendMail(
  mail: OutgoingMail,
  archive?: { proposalId: string; kind: MailKind },
): Promise<string> {
  if (!archive) return sesSend(mail);
  const preparedAt = new Date();
  const key = preparedCopiesKey(archive.proposalId, archive.kind, preparedAt, randomUUID());
  await putMailCopies(key, [unconfirmedCopy(mail, archive.kind, preparedAt)]);
  let messageId: string;
  try {
    messageId = await sesSend(mail);
  } catch (error) {
    // SES answered with a refusal (throttled, rejected): the mail did not go, so neither does its
    // copy. Without an answer (a timeout, a lost connection, a 5xx) it may have: the copy stays.
    if (refusedBySes(error)) await putMailCopies(key, []).catch(() => undefined);
    throw error;
  }
  await putMailCopies(key, [{ ...copyOfSent(mail, archive.kind, messageId), sendConfirmed: true }]).catch(
    (error: unknown) =>
      // The unconfirmed copy stands: the mail still has its copy, without SES's id.
      log.error('copy of sent mail not confirmed', {
        proposalId: archive.proposalId,
        kind: archive.kind,
        error: (error as Error).name,
      }),
  );
  return messageId;
}

const refusedBySes = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
};

async function sesSend(mail: OutgoingMail): Promise<string> {
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
  return out.MessageId ?? '';
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

/** The copy written before a send: no SES id yet, and `sentAt` is when it was written. */
export const unconfirmedCopy = (mail: OutgoingMail, kind: MailKind, preparedAt: Date): ArchivedMail => ({
  ...copyOfSent(mail, kind, ''),
  sentAt: preparedAt.toISOString(),
  sendConfirmed: false,
});
