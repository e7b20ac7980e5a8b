// GET /audit/verify (auditor): `{ok:true, checked}` or `{ok:false, checked, firstBroken, reason}`.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json } from '../shared/http.js';
import { verifyDecisionChain } from './verify.js';

export const handler = httpHandler(async (event) => {
  requireRole(event, ['auditor']);
  return json(200, await verifyDecisionChain());
});
