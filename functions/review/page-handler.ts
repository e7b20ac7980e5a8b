// The handler of a page behind a signed link (GET and POST /review/{reviewId}, /dpo/{adviceId}): no
// JWT, the link's signature is the credential. Every answer is an HTML page, refusals included,
// because the reader is a person in a browser.
import { AppError } from '../shared/errors.js';
import { html, httpHandler, parseFormPost, pathParameter } from '../shared/http.js';
import { errorPage, type PageAnswer } from './review.js';

/** Each link's path parameter, the route's path before it, and how a bad form post names the page. */
const LINKS = {
  review: { parameter: 'reviewId', basePath: '/review', pageName: 'the review page' },
  advice: { parameter: 'adviceId', basePath: '/dpo', pageName: 'the advice page' },
};

export interface SignedPage {
  show(id: string, actionPath: string, sig: string | null): Promise<PageAnswer>;
  submit(id: string, actionPath: string, form: URLSearchParams): Promise<PageAnswer>;
}

export const signedPageHandler = (link: keyof typeof LINKS, page: SignedPage) =>
  httpHandler(async (event) => {
    const { parameter, basePath, pageName } = LINKS[link];
    try {
      const id = pathParameter(event, parameter);
      const actionPath = event.rawPath || `${basePath}/${encodeURIComponent(id)}`;
      const answer =
        event.requestContext.http.method === 'POST'
          ? await page.submit(id, actionPath, parseFormPost(event, pageName))
          : await page.show(id, actionPath, event.queryStringParameters?.sig ?? null);
      return html(answer.status, answer.page);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const answer = errorPage(error, link);
      return html(answer.status, answer.page);
    }
  });
