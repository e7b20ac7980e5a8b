// POST /proposals/{id}/replies/{replyId}/stance (manager): correct a reply's stance, with a reason.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, parseJsonBody, pathParameter } from '../shared/http.js';
import { ReclassifyInput, reclassifyReply } from './reclassify.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  const input = parseJsonBody(event, ReclassifyInput);
  return json(
    200,
    await reclassifyReply(pathParameter(event, 'id'), pathParameter(event, 'replyId'), input, caller.user),
  );
});
