// POST /proposals (manager): validate SPEC §3 input, then open the proposal.
import { requireRole } from '../shared/auth.js';
import { ValidationError } from '../shared/errors.js';
import { httpHandler, json, parseJsonBody } from '../shared/http.js';
import { deadlineIssue, ProposalInput } from '../shared/model/proposal.js';
import { createProposal } from './create.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  const input = parseJsonBody(event, ProposalInput);
  const pastDeadline = deadlineIssue(input, new Date());
  if (pastDeadline) throw new ValidationError([pastDeadline]);
  return json(201, await createProposal(input, caller.user));
});
