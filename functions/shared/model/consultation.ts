// What the consultation keeps about each consultee and each reply (SPEC §5, §7).
import * as z from 'zod/mini';
import './zod-messages.js';
import { EmailAddress } from './email.js';
import { isoDateTime } from './iso.js';
import { STANCES } from './stances.js';

export const Stance = z.enum(STANCES);
export type Stance = z.infer<typeof Stance>;

// Apart, so a function that parses only replies does not build them.
export { Tally } from './tally.js';

/** pending: not yet mailed; mailed: waiting for a reply; responded: has a counted reply. */
export const CONSULTEE_STATUSES = ['pending', 'mailed', 'responded', 'bounced'] as const;
export const ConsulteeStatus = z.enum(CONSULTEE_STATUSES);
export type ConsulteeStatus = z.infer<typeof ConsulteeStatus>;

// The consultee item's shape (Consultee) is in consultee.ts: only its type is used, never parsed.

/** Issue 16: a manager's correction of the stance read from a reply. */
export const Reclassification = z.strictObject({
  /** What the reader made of the reply, kept however often a manager corrects it. */
  readStance: Stance,
  stance: Stance,
  reason: z.string(),
  by: z.string(),
  at: isoDateTime({ offset: true }),
});
export type Reclassification = z.infer<typeof Reclassification>;

/**
 * response: a consultee's answer; auto-reply: out-of-office and the like (not a response);
 * delivery-report: a bounce (marks the consultee bounced); unmatched: no known reply token.
 */
export const REPLY_KINDS = ['response', 'auto-reply', 'delivery-report', 'unmatched'] as const;
export const ReplyKind = z.enum(REPLY_KINDS);
export type ReplyKind = z.infer<typeof ReplyKind>;

export const Reply = z.strictObject({
  replyId: z.string().check(z.minLength(1)),
  proposalId: z.nullable(z.string().check(z.minLength(1))),
  consulteeEmail: z.nullable(EmailAddress),
  kind: ReplyKind,
  messageId: z.string().check(z.minLength(1)),
  from: z.string(),
  subject: z.string(),
  receivedAt: isoDateTime({ offset: true }),
  stance: z.nullable(Stance),
  comment: z.string(),
  late: z.boolean(),
  senderMismatch: z.boolean(),
  /**
   * Received after the consultation closed early (every consultee had answered) but before the
   * deadline: the tally is frozen at the close, so it is kept, listed, and counted as late.
   */
  afterClose: z.optional(z.boolean()),
  /**
   * Issue 21: SES's DMARC verdict failed, or SPF failed without a passing DKIM signature: the From
   * may be forged, so the reply is held (senderMismatch) until a manager accepts it.
   */
  authFailed: z.optional(z.boolean()),
  /**
   * Issue 21: the message could not be parsed (MIME nested beyond the parser's limit, say): kept
   * raw, matched by its envelope, and recorded as unclassified for a person to read.
   */
  unreadable: z.optional(z.boolean()),
  /** Key of the raw message in the inbound-mail bucket: the original is always kept. */
  rawKey: z.string().check(z.minLength(1)),
  /** Issue 16: the rule or phrase that decided the stance read from the reply. */
  stanceReason: z.optional(z.string()),
  /** Issue 16: set when a manager corrected the stance; `stance` is then the corrected one. */
  reclassification: z.optional(Reclassification),
  /** A manager accepted this reply from another address (SPEC 5), and why. */
  acceptedBy: z.optional(z.string()),
  acceptedAt: z.optional(isoDateTime({ offset: true })),
  acceptReason: z.optional(z.string()),
});
export type Reply = z.infer<typeof Reply>;

export { isCounted } from './stances.js';
