// Copies of the mail the system sends, kept in the evidence bucket for the evidence pack (SPEC 10):
// SES keeps none. A copy withholds what would let its reader act as someone: the consultee's reply
// token and the review link's signature. Keeping a copy never fails a send that SES accepted (a
// retried task would mail the same person twice): a lost copy is logged instead.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from './clients/s3.js';
import { DEFAULTS, ENV } from './config.js';
import { requiredEnv } from './env.js';
import { log } from './logger.js';

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
   * Set on the copies a fan-out writes before sending (functions/consultation/send.ts): true once
   * SES accepted the letter; false when no answer came (a crash, a timeout): the letter may or may
   * not have gone, and `sentAt` is when the copy was written.
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

/** Where a fan-out keeps a batch of copies, written before the letters go: named by that time. */
export const preparedCopiesKey = (proposalId: string, kind: MailKind, at: Date, batchId: string): string =>
  `${mailArchivePrefix(proposalId)}${at.toISOString()}-${kind}-${batchId}.json`;

/** Writes (or rewrites) one object of copies; throws when S3 fails, for a caller that must not send then. */
export async function putMailCopies(key: string, copies: ArchivedMail[]): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: requiredEnv(ENV.evidenceBucket),
      Key: key,
      Body: JSON.stringify(copies),
      ContentType: 'application/json',
    }),
  );
}

/**
 * Keeps copies in the evidence bucket: one object holding them all (a list when more than one),
 * named by the first sending time and SES id, so a listing sorts by time. A mailing of many keeps
 * its copies in a few objects rather than one write per mail.
 */
export async function keepMailCopies(proposalId: string, copies: ArchivedMail[]): Promise<void> {
  const [first] = copies;
  if (!first) return;
  const key = `${mailArchivePrefix(proposalId)}${first.sentAt}-${first.messageId || 'unknown'}.json`;
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: requiredEnv(ENV.evidenceBucket),
        Key: key,
        Body: JSON.stringify(copies.length === 1 ? first : copies),
        ContentType: 'application/json',
      }),
    );
  } catch (error) {
    log.error('copies of sent mail not kept', {
      proposalId,
      kind: first.kind,
      copies: copies.length,
      error: (error as Error).name,
    });
  }
}
