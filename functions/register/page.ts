// The register's answers for people (the page, the public DPIA): a refusal is a page, not JSON.
import { AppError, refusalView } from '../shared/errors.js';
import { type HttpResult, html } from '../shared/http.js';
import { renderPage } from '../shared/templates.js';

const ERROR_HEADINGS: Record<number, string> = {
  400: 'Something is wrong with this address',
  404: 'Not on the register',
};

/** A person's request: a refusal is a page (never cached), not JSON. */
export async function asPage(answer: () => Promise<HttpResult>): Promise<HttpResult> {
  try {
    return await answer();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return html(error.status, renderPage('register-error', refusalView(error, ERROR_HEADINGS)));
  }
}
