// POST /proposals/{id}/replies/{replyId}/accept (manager): count a reply from another address.
// An optional JSON body {"reason": "..."} is recorded with the acceptance (issue 20 triage).
import { requireRole } from '../shared/auth.js';
import { bodyText, httpHandler, json, parseJsonBody, pathParameter } from '../shared/http.js';
import { acceptReply } from './accept.js';
import { AcceptInput } from './reclassify.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  const input = bodyText(event).trim() === '' ? {} : parseJsonBody(event, AcceptInput);
  return json(
    200,
    await acceptReply(
      pathParameter(event, 'id'),
      pathParameter(event, 'replyId'),
      caller.user,
      new Date(),
      input.reason,
    ),
  );
});
