// PUT /proposals/{id}/assessment (manager): complete or correct the assessment before the decision.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, parseJsonBody, pathParameter } from '../shared/http.js';
import { AssessmentInput } from '../shared/model/proposal.js';
import { updateAssessment } from './assessment.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  const id = pathParameter(event, 'id');
  const fields = parseJsonBody(event, AssessmentInput);
  return json(200, await updateAssessment(id, fields, caller.user));
});
