// Copies of the mail the system sends, kept in the evidence bucket for the evidence pack (SPEC 10):
// SES keeps none. A copy withholds what would let its reader act as someone: the consultee's reply
// token and the review link's signature. Every copy is written before its mail goes, unconfirmed,
// then rewritten with SES's id: a crash between SES's answer and that rewrite leaves the
// unconfirmed copy. Confirming never fails a send that SES accepted (a retried task would mail the
// same person twice): a copy left unconfirmed is logged instead.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from './clients/s3.js';
import { DEFAULTS, ENV } from './config.js';
import { requiredEnv } from './env.js';

export const MAIL_KINDS = [
  'consultation',
  'review-request',
  'dpo-advice-request',
  'outcome',
  'consultation-reminder',
  'review-reminder',
  'dpo-reminder',
  'withdrawal',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface ArchivedMail {
  kind: MailKind;
  to: string;
  replyTo: string | null;
  subject: string;
  text: string;
  html: string;
  sentAt: string;
  /** SES's message id; empty on a copy whose sending was never confirmed. */
  messageId: string;
  /**
   * Set on the copies written before sending (the fan-out in functions/consultation/send.ts, every
   * other mail in functions/shared/mailer.ts): true once SES accepted the mail; false when no answer
   * came (a crash, a timeout, an error): the mail may or may not have gone, and `sentAt` is when the
   * copy was written.
   */
  sendConfirmed?: boolean;
}

export const mailArchivePrefix = (proposalId: string): string =>
  `${DEFAULTS.evidencePrefix}${proposalId}/mail/`;

/** The text with every reply token and review-link signature replaced by a note saying so. */
export function withholdCredentials(text: string): string {
  return text
    .replace(/consult\+[0-9a-f]{32}@/gi, 'consult+[reply token withheld]@')
    .replace(/([?&]|&amp;)sig=[A-Za-z0-9_.~%-]+/g, '$1sig=[withheld]');
}

/** The copy of a sent mail that the evidence keeps: credentials withheld. */
export function mailCopy(
  mail: Omit<ArchivedMail, 'sentAt' | 'messageId'>,
  messageId: string,
  sentAt = new Date(),
): ArchivedMail {
  return {
    kind: mail.kind,
    to: mail.to,
    replyTo: mail.replyTo === null ? null : withholdCredentials(mail.replyTo),
    subject: withholdCredentials(mail.subject),
    text: withholdCredentials(mail.text),
    html: withholdCredentials(mail.html),
    sentAt: sentAt.toISOString(),
    messageId,
  };
}

/** Where copies written before their mail goes are kept (a fan-out's batch, or one mail): named by that time. */
export const preparedCopiesKey = (proposalId: string, kind: MailKind, at: Date, batchId: string): string =>
  `${mailArchivePrefix(proposalId)}${at.toISOString()}-${kind}-${batchId}.json`;

/** Writes (or rewrites) one object of copies; throws when S3 fails, for a caller that must not send then. */
export async function putMailCopies(key: string, copies: ArchivedMail[]): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: requiredEnv(ENV.evidenceBucket),
      Key: key,
      // The bytes once: given a string, the SDK encodes it again for its length, each checksum
      // and the socket (a fan-out's object of 50 copies is about 800 KB).
      Body: Buffer.from(JSON.stringify(copies)),
      ContentType: 'application/json',
    }),
  );
}
