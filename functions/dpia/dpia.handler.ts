// GET /proposals/{id}/dpia (manager, auditor; `?edition=public`) and GET /review/{reviewId}/dpia?sig=
// (the approver's signed link): the DPIA document as one printable HTML page.
import { requireRole } from '../shared/auth.js';
import { AppError } from '../shared/errors.js';
import { httpHandler, pathParameter } from '../shared/http.js';
import { loadDpiaSources } from './document.js';
import { documentAnswer, linkErrorPage, parseEdition, sourcesForReviewLink } from './serve.js';

export const handler = httpHandler(async (event) => {
  if (event.routeKey === 'GET /review/{reviewId}/dpia') {
    try {
      const sources = await sourcesForReviewLink(
        pathParameter(event, 'reviewId'),
        event.queryStringParameters?.sig ?? null,
      );
      // The approver sees the proposal in full, the site included (SPEC 6).
      return await documentAnswer(sources, 'full');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return linkErrorPage(error);
    }
  }
  requireRole(event, ['manager', 'auditor']);
  const edition = parseEdition(event.queryStringParameters);
  return documentAnswer(await loadDpiaSources(pathParameter(event, 'id')), edition);
});
