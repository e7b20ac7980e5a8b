// GET /proposals/{id} (manager, auditor): the proposal detail of SPEC §7.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, pathParameter } from '../shared/http.js';
import { proposalDetail } from './detail.js';

export const handler = httpHandler(async (event) => {
  requireRole(event, ['manager', 'auditor']);
  return json(200, await proposalDetail(pathParameter(event, 'id')));
});
