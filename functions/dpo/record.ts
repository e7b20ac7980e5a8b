// The item behind a DPO's advice link as stored and read back (dpo/store.ts), and the advice it
// records.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { DpoRecommendation } from '../shared/model/governance.js';
import { isoDateTime } from '../shared/model/iso.js';
import { ADVICE_STATES } from './states.js';

export const AdviceGiven = z.object({
  recommendation: DpoRecommendation,
  advice: z.string(),
  givenAt: isoDateTime({ offset: true }),
});
export type AdviceGiven = z.infer<typeof AdviceGiven>;

export const AdviceRecord = z.object({
  adviceId: z.string().check(z.minLength(1)),
  proposalId: z.string().check(z.minLength(1)),
  dpoEmail: z.string().check(z.minLength(1)),
  dpoName: z.string(),
  expiresAt: isoDateTime({ offset: true }),
  state: z.enum(ADVICE_STATES),
  taskToken: z.string().check(z.minLength(1)),
  createdAt: isoDateTime({ offset: true }),
  /** Set (conditionally) just before the request mail goes out: the DPO is mailed once. */
  mailMarker: z.optional(z.enum(['sending', 'sent'])),
  /** SPEC 10: the one reminder to the DPO, claimed (sending) before it goes, then sent. */
  reminderMarker: z.optional(z.enum(['sending', 'sent'])),
  given: z.optional(AdviceGiven),
  voidReason: z.optional(z.string()),
});
export type AdviceRecord = z.infer<typeof AdviceRecord>;
