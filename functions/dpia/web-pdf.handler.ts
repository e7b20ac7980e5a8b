// GET /app/proposals/{id}/dpia.pdf: the DPIA document's PDF for the web pages, by the web session
// cookie, whose sessions are only ever a manager's or an auditor's. Apart from get-dpia-pdf (the
// bearer-token route), so only this one bundles the session's JWT library and reads the key that
// signs the cookie (issue 17).
import { httpHandler } from '../shared/http.js';
import { readSession } from '../web/session.js';
import { pdfAnswer } from './pdf-answer.js';

export const handler = httpHandler(async (event) => {
  if ((await readSession(event)) === undefined) {
    // As every web page does for a visitor who is not signed in.
    return { statusCode: 303, headers: { location: '/sign-in', 'cache-control': 'no-store' }, body: '' };
  }
  return pdfAnswer(event);
});
