// The prior consultation with the Information Commissioner that a high residual risk requires
// (SPEC 11, DPA 2018 s.65), as a manager records it.
import * as z from 'zod/mini';
import './zod-messages.js';
import { line, text } from './fields.js';
import { ICO_OUTCOMES } from './governance-terms.js';
import { isoDate } from './iso.js';

/** POST /proposals/{id}/ico-consultation (SPEC 11). */
export const IcoConsultationInput = z.strictObject({
  submittedOn: isoDate({ error: 'Give the date the consultation was submitted, e.g. 2026-10-01.' }),
  reference: line(1, 200),
  outcome: z.enum(ICO_OUTCOMES, { error: 'Outcome must be advice-received or no-response-in-time.' }),
  summary: text(1, 8000),
});
export type IcoConsultationInput = z.infer<typeof IcoConsultationInput>;

/** As recorded: who recorded it and when, beside what they entered. */
export type IcoConsultation = IcoConsultationInput & { recordedBy: string; recordedAt: string };
