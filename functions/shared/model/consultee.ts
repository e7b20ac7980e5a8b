// What the consultation keeps about each consultee (SPEC §5): the shape of a consultee item.
import * as z from 'zod/mini';
import './zod-messages.js';
import { ConsulteeStatus, Stance } from './consultation.js';
import { EmailAddress } from './email.js';
import { isoDateTime } from './iso.js';

export const Consultee = z.strictObject({
  name: z.string(),
  email: EmailAddress,
  organisation: z.optional(z.string()),
  status: ConsulteeStatus,
  stance: z.nullable(Stance),
  respondedAt: z.nullable(isoDateTime({ offset: true })),
  late: z.boolean(),
  senderMismatch: z.boolean(),
  comment: z.nullable(z.string()),
  /** Issue 16: why the counted reply has this stance (the reader's rule or phrase, or a manager's correction). */
  stanceReason: z.optional(z.nullable(z.string())),
});
export type Consultee = z.infer<typeof Consultee>;
