// The event SES hands a Lambda receipt action (and the local SMTP server imitates): envelope,
// headers and verdicts of one received message, never its body (that is in S3 under rawMailKey).
import * as z from 'zod/mini';
import './model/zod-messages.js';
import { isoDateTime } from './model/iso.js';

/** SES receipt verdicts; DMARC, SPF and DKIM say GRAY when the sender publishes no policy. */
export const SesVerdictStatus = z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED']);
export type SesVerdictStatus = z.infer<typeof SesVerdictStatus>;

const SesVerdict = z.object({ status: SesVerdictStatus });

export const SesHeader = z.object({ name: z.string().check(z.minLength(1)), value: z.string() });
export type SesHeader = z.infer<typeof SesHeader>;

/** Present only when the message carried the header; address lists keep display names. */
export const SesCommonHeaders = z.object({
  returnPath: z.optional(z.string()),
  from: z.optional(z.array(z.string())),
  sender: z.optional(z.array(z.string())),
  replyTo: z.optional(z.array(z.string())),
  date: z.optional(z.string()),
  to: z.optional(z.array(z.string())),
  cc: z.optional(z.array(z.string())),
  bcc: z.optional(z.array(z.string())),
  messageId: z.optional(z.string()),
  subject: z.optional(z.string()),
});
export type SesCommonHeaders = z.infer<typeof SesCommonHeaders>;

export const SesMail = z.object({
  timestamp: isoDateTime(),
  /** The envelope MAIL FROM; empty for a null reverse-path (delivery reports use one). */
  source: z.string(),
  /** Also the S3 object key's last part: rawMailKey(messageId). */
  messageId: z.string().check(z.minLength(1)),
  destination: z.array(z.string()),
  headersTruncated: z.boolean(),
  headers: z.array(SesHeader),
  commonHeaders: SesCommonHeaders,
});
export type SesMail = z.infer<typeof SesMail>;

export const SesLambdaAction = z.object({
  type: z.literal('Lambda'),
  functionArn: z.string().check(z.startsWith('arn:')),
  invocationType: z.enum(['Event', 'RequestResponse']),
});

export const SesReceipt = z.object({
  timestamp: isoDateTime(),
  processingTimeMillis: z.number().check(z.int(), z.nonnegative()),
  /** The envelope RCPT TO addresses the receipt rule matched: where a reply token is read from. */
  recipients: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  spamVerdict: SesVerdict,
  virusVerdict: SesVerdict,
  spfVerdict: SesVerdict,
  dkimVerdict: SesVerdict,
  dmarcVerdict: SesVerdict,
  /** Only when the message failed DMARC. */
  dmarcPolicy: z.optional(z.enum(['none', 'quarantine', 'reject'])),
  action: SesLambdaAction,
});
export type SesReceipt = z.infer<typeof SesReceipt>;

export const SesReceiptRecord = z.object({
  eventSource: z.literal('aws:ses'),
  eventVersion: z.string(),
  ses: z.object({ mail: SesMail, receipt: SesReceipt }),
});
export type SesReceiptRecord = z.infer<typeof SesReceiptRecord>;

// z.object (not strictObject) throughout: AWS adds fields to its events without notice, and an
// unknown field must never make a reply unreadable.
export const SesReceiptEvent = z.object({ Records: z.array(SesReceiptRecord).check(z.minLength(1)) });
export type SesReceiptEvent = z.infer<typeof SesReceiptEvent>;
