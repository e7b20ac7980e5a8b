// POST /proposals/{id}/redrive (manager): resume a failed lifecycle at the step that failed.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, pathParameter } from '../shared/http.js';
import { redriveProposal } from './redrive.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  return json(200, await redriveProposal(pathParameter(event, 'id'), caller.user));
});
