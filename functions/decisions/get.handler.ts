// GET /decisions/{decisionId} (auditor): one decision record exactly as the chain keeps it.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, pathParameter } from '../shared/http.js';
import { getDecision } from './store.js';

export const handler = httpHandler(async (event) => {
  requireRole(event, ['auditor']);
  return json(200, await getDecision(pathParameter(event, 'decisionId')));
});
