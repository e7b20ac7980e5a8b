// GET and POST /review/{reviewId}: no JWT, the link's signature is the credential. Every answer is
// an HTML page, refusals included, because the reader is a person in a browser.
import { AppError, UnsupportedMediaTypeError } from '../shared/errors.js';
import { header, html, httpHandler, parseFormBody, pathParameter } from '../shared/http.js';
import { errorPage, showReview, submitReview } from './review.js';

export const handler = httpHandler(async (event) => {
  try {
    const reviewId = pathParameter(event, 'reviewId');
    const actionPath = event.rawPath || `/review/${encodeURIComponent(reviewId)}`;
    const answer =
      event.requestContext.http.method === 'POST'
        ? await submitReview({ reviewId, actionPath, form: readForm(event) })
        : await showReview({ reviewId, actionPath, sig: event.queryStringParameters?.sig ?? null });
    return html(answer.status, answer.page);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const answer = errorPage(error);
    return html(answer.status, answer.page);
  }
});

function readForm(event: Parameters<typeof parseFormBody>[0]): URLSearchParams {
  const type = header(event, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new UnsupportedMediaTypeError('Send the review form from the review page (a form post).');
  }
  return parseFormBody(event);
}
