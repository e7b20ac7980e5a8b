// The DPO stage as the proposal keeps it (SPEC 10).
import * as z from 'zod/mini';
import './zod-messages.js';
import { DpoRecommendation } from './governance.js';
import { isoDateTime } from './iso.js';

/**
 * The DPO stage as the proposal keeps it: requested (a signed link is out), advised (the DPO
 * answered), or no-response (the DPO did not answer within dpoTimeoutDays; the approver decides).
 */
export const DpoStage = z.object({
  adviceId: z.string().check(z.minLength(1)),
  dpoName: z.string(),
  requestedAt: isoDateTime({ offset: true }),
  expiresAt: isoDateTime({ offset: true }),
  status: z.enum(['requested', 'advised', 'no-response']),
  recommendation: z.optional(DpoRecommendation),
  advice: z.optional(z.string()),
  advisedAt: z.optional(isoDateTime({ offset: true })),
  timedOutAt: z.optional(isoDateTime({ offset: true })),
});
export type DpoStage = z.infer<typeof DpoStage>;
