// What the item behind every signed link shares (the approver's review link, the DPO's advice
// link): the proposal it is for, until when it works, the workflow's task token (which never
// leaves the back end), and the markers of its one request mail and one reminder. Each record adds
// its own id, its person and what using the link records (review/record.ts, dpo/record.ts).
import * as z from 'zod/mini';
import './zod-messages.js';
import { isoDateTime } from './iso.js';

/** Claimed (`sending`) with a conditional write before the mail goes, then `sent` (store/markers.ts). */
const MailMarker = z.optional(z.enum(['sending', 'sent']));

export const signedLinkFields = {
  proposalId: z.string().check(z.minLength(1)),
  expiresAt: isoDateTime({ offset: true }),
  taskToken: z.string().check(z.minLength(1)),
  createdAt: isoDateTime({ offset: true }),
  /** Set (conditionally) just before the request mail goes out: the person is mailed once. */
  mailMarker: MailMarker,
  /** The link's one reminder (functions/reminders/), claimed before it goes, then sent. */
  reminderMarker: MailMarker,
  voidedAt: z.optional(z.string()),
  voidReason: z.optional(z.string()),
};
