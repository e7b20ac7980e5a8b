// POST /proposals/{id}/withdraw (manager): stop the lifecycle; any open review link answers 410.
// The body `{"reason": "..."}` is optional (SPEC 7 calls the route with none); when sent, it is checked.
import { requireRole } from '../shared/auth.js';
import { bodyText, httpHandler, json, parseJsonBody, pathParameter } from '../shared/http.js';
import { WithdrawalInput, withdrawProposal } from './withdraw.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  const id = pathParameter(event, 'id');
  const body = bodyText(event).trim() === '' ? {} : parseJsonBody(event, WithdrawalInput);
  return json(200, await withdrawProposal(id, caller.user, body.reason));
});
