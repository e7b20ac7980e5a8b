// GET /proposals/{id}/evidence (auditor): the proposal's evidence pack as one JSON document.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, pathParameter } from '../shared/http.js';
import { evidencePack } from './evidence.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['auditor']);
  return json(200, await evidencePack(pathParameter(event, 'id'), caller.user));
});
