// POST /proposals/{id}/withdraw (manager): stop the lifecycle; any open review link answers 410.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, pathParameter } from '../shared/http.js';
import { withdrawProposal } from './withdraw.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  return json(200, await withdrawProposal(pathParameter(event, 'id'), caller.user));
});
