// The item behind a DPO's advice link as stored and read back (dpo/store.ts): a signed link's fields
// (shared/model/signed-link.ts), the DPO's, and the advice it records.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { DpoRecommendation } from '../shared/model/governance.js';
import { isoDateTime } from '../shared/model/iso.js';
import { signedLinkFields } from '../shared/model/signed-link.js';
import { ADVICE_STATES } from './states.js';

export const AdviceGiven = z.object({
  recommendation: DpoRecommendation,
  advice: z.string(),
  givenAt: isoDateTime({ offset: true }),
});
export type AdviceGiven = z.infer<typeof AdviceGiven>;

export const AdviceRecord = z.object({
  adviceId: z.string().check(z.minLength(1)),
  dpoEmail: z.string().check(z.minLength(1)),
  dpoName: z.string(),
  state: z.enum(ADVICE_STATES),
  ...signedLinkFields,
  given: z.optional(AdviceGiven),
});
export type AdviceRecord = z.infer<typeof AdviceRecord>;
