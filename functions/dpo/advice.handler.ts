// GET and POST /dpo/{adviceId}: no JWT, the link's signature is the credential. Every answer is an
// HTML page, refusals included, because the reader is a person in a browser.
import { errorPage } from '../review/review.js';
import { AppError } from '../shared/errors.js';
import { html, httpHandler, parseFormPost, pathParameter } from '../shared/http.js';
import { showAdvice, submitAdvice } from './advice.js';

export const handler = httpHandler(async (event) => {
  try {
    const adviceId = pathParameter(event, 'adviceId');
    const actionPath = event.rawPath || `/dpo/${encodeURIComponent(adviceId)}`;
    const answer =
      event.requestContext.http.method === 'POST'
        ? await submitAdvice({ adviceId, actionPath, form: parseFormPost(event, 'the advice page') })
        : await showAdvice({ adviceId, actionPath, sig: event.queryStringParameters?.sig ?? null });
    return html(answer.status, answer.page);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const answer = errorPage(error, 'advice');
    return html(answer.status, answer.page);
  }
});
