// POST /proposals/{id}/ico-consultation (manager): the prior consultation with the Commissioner.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, parseJsonBody, pathParameter } from '../shared/http.js';
import { IcoConsultationInput } from '../shared/model/governance.js';
import { recordIcoConsultation } from './ico.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  const input = parseJsonBody(event, IcoConsultationInput);
  return json(200, await recordIcoConsultation(pathParameter(event, 'id'), input, caller.user));
});
