// POST /proposals/{id}/replies/{replyId}/accept (manager): count a reply from another address.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, pathParameter } from '../shared/http.js';
import { acceptReply } from './accept.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  return json(
    200,
    await acceptReply(pathParameter(event, 'id'), pathParameter(event, 'replyId'), caller.user),
  );
});
