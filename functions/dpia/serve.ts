// Serving the DPIA document (SPEC 11) to whoever may read it: managers and auditors by token or web
// session, the approver by the signed review link. The same functions serve the DPO's signed link.

import { LINK_HEADINGS, type LinkKind } from '../review/link-headings.js';
import { type AppError, GoneError, refusalView } from '../shared/errors.js';
import { type HttpResult, html } from '../shared/http.js';
import { deliver } from '../shared/large-body.js';
import { renderPage } from '../shared/templates.js';
import { type DpiaSources, dpiaFilename, type Edition, loadDpiaSources, renderDpia } from './document.js';
import { openAdviceLink, openReviewLink } from './signed-links.js';

/** The document as an HTML answer (or, past Lambda's 6 MB, a redirect to a presigned download). */
export async function documentAnswer(sources: DpiaSources, edition: Edition): Promise<HttpResult> {
  const { html: page, view } = renderDpia(sources, edition);
  return deliver({
    body: Buffer.from(page, 'utf8'),
    contentType: 'text/html; charset=utf-8',
    filename: dpiaFilename(view.reference, edition, 'html'),
    disposition: 'inline',
    headers: htmlHeaders(),
  });
}

/** The strict CSP and the other headers every page carries. */
const htmlHeaders = (): Record<string, string> => {
  const { 'content-type': _type, ...headers } = (html(200, '').headers ?? {}) as Record<string, string>;
  return headers;
};

/**
 * The sources of the document an approver's signed link may see: 403 for a bad signature, 404 for
 * an unknown review, 410 for a link that was voided or has run out. A decided review may still
 * read the document it decided (the link is single-use for deciding, not for reading).
 */
export async function sourcesForReviewLink(reviewId: string, sig: string | null, now = new Date()) {
  const review = await openReviewLink(reviewId, sig);
  if (
    review.state !== 'decided' &&
    (review.state === 'void' || Date.parse(review.expiresAt) <= now.getTime())
  ) {
    throw new GoneError(
      'This review link has expired or been withdrawn. Ask the DPIA team to issue a new link if a decision is still needed.',
    );
  }
  return loadDpiaSources(review.proposalId);
}

/**
 * The sources of the document a DPO's signed link may see (SPEC 10: "the document so far"): the
 * same rules, 403, 404, and 410 once the request was voided (the DPO's time ran out, withdrawal).
 */
export async function sourcesForAdviceLink(adviceId: string, sig: string | null, now = new Date()) {
  const advice = await openAdviceLink(adviceId, sig);
  if (advice.state === 'void' || (advice.state === 'open' && Date.parse(advice.expiresAt) <= now.getTime())) {
    throw new GoneError('This advice link has expired or been withdrawn.');
  }
  return loadDpiaSources(advice.proposalId);
}

/** A refusal on a signed link, as a page headed for that kind of link: the reader is a person in a browser. */
export function linkErrorPage(error: AppError, link: LinkKind): HttpResult {
  return html(error.status, renderPage('review-error', refusalView(error, LINK_HEADINGS[link])));
}
