// POST /proposals/{id}/review-link (manager): a fresh review link for an expired approval.
import { requireRole } from '../shared/auth.js';
import { httpHandler, json, pathParameter } from '../shared/http.js';
import { reissueReviewLink } from './reissue.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  return json(202, await reissueReviewLink(pathParameter(event, 'id'), caller.user));
});
