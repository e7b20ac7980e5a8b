// GET /review/{reviewId}/dpia?sig= (the approver's signed link) and GET /dpo/{adviceId}/dpia?sig=
// (the DPO's): the DPIA document, full edition, as one printable HTML page. Refusals are pages: the
// reader is a person in a browser.

import type { LinkKind } from '../review/link-headings.js';
import { AppError, NotFoundError } from '../shared/errors.js';
import { type HttpEvent, httpHandler, pathParameter } from '../shared/http.js';
import type { DpiaSources } from './document.js';
import { documentAnswer, linkErrorPage, sourcesForAdviceLink, sourcesForReviewLink } from './serve.js';

/** Routes whose credential is a signed link: the approver and the DPO see the full edition. */
const SIGNED_LINKS: Record<string, { link: LinkKind; sources: (event: HttpEvent) => Promise<DpiaSources> }> =
  {
    'GET /review/{reviewId}/dpia': {
      link: 'review',
      sources: (event) =>
        sourcesForReviewLink(pathParameter(event, 'reviewId'), event.queryStringParameters?.sig ?? null),
    },
    'GET /dpo/{adviceId}/dpia': {
      link: 'advice',
      sources: (event) =>
        sourcesForAdviceLink(pathParameter(event, 'adviceId'), event.queryStringParameters?.sig ?? null),
    },
  };

export const handler = httpHandler(async (event) => {
  const signedLink = SIGNED_LINKS[event.routeKey];
  if (!signedLink) throw new NotFoundError(`No such signed-link route: ${event.routeKey}.`);
  try {
    // The approver sees the proposal in full, the site included (SPEC 6).
    return await documentAnswer(await signedLink.sources(event), 'full');
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return linkErrorPage(error, signedLink.link);
  }
});
