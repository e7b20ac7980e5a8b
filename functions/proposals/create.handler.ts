// POST /proposals (manager): validate SPEC §3 input, then open the proposal.
import * as z from 'zod/mini';
import { requireRole } from '../shared/auth.js';
import { minConsultationDays } from '../shared/env.js';
import { ValidationError } from '../shared/errors.js';
import { httpHandler, json, parseJsonBody } from '../shared/http.js';
import { checkProposalToOpen } from '../shared/model/proposal.js';
import { createProposal } from './create.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  // The schema's errors and the deadline's come back together (issue 20: one round of fixes).
  const checked = checkProposalToOpen(parseJsonBody(event, z.unknown()), new Date(), minConsultationDays());
  if (!checked.ok) throw new ValidationError(checked.issues);
  return json(201, await createProposal(checked.input, caller.user));
});
