// GET and POST /review/{reviewId}: no JWT, the link's signature is the credential. Every answer is
// an HTML page, refusals included, because the reader is a person in a browser.
import { AppError } from '../shared/errors.js';
import { html, httpHandler, parseFormPost, pathParameter } from '../shared/http.js';
import { errorPage, showReview, submitReview } from './review.js';

export const handler = httpHandler(async (event) => {
  try {
    const reviewId = pathParameter(event, 'reviewId');
    const actionPath = event.rawPath || `/review/${encodeURIComponent(reviewId)}`;
    const answer =
      event.requestContext.http.method === 'POST'
        ? await submitReview({ reviewId, actionPath, form: parseFormPost(event, 'the review page') })
        : await showReview({ reviewId, actionPath, sig: event.queryStringParameters?.sig ?? null });
    return html(answer.status, answer.page);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const answer = errorPage(error);
    return html(answer.status, answer.page);
  }
});
