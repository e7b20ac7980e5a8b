// GET /proposals/{id}/dpia.pdf (manager, auditor by token) and GET /app/proposals/{id}/dpia.pdf (the
// same by web session): the DPIA document printed by headless Chromium. A function of its own, so
// the browser's memory and the x86_64 binary are paid for here only.
import { requireRole } from '../shared/auth.js';
import { type HttpEvent, httpHandler, pathParameter } from '../shared/http.js';
import { deliver } from '../shared/large-body.js';
import { log } from '../shared/logger.js';
import { readSession } from '../web/session.js';
import { dpiaFilename, loadDpiaSources, renderDpia } from './document.js';
import { parseEdition } from './edition.js';
import { renderPdf } from './pdf.js';

export const handler = httpHandler(async (event) => {
  if (!(await authorised(event))) {
    // As every web page does for a visitor who is not signed in.
    return { statusCode: 303, headers: { location: '/sign-in', 'cache-control': 'no-store' }, body: '' };
  }
  const edition = parseEdition(event.queryStringParameters);
  const started = Date.now();
  const { html, view } = renderDpia(await loadDpiaSources(pathParameter(event, 'id')), edition);
  const pdf = await renderPdf(html, {
    reference: view.reference,
    status: view.status,
    draft: view.draft,
    edition,
  });
  log.info('dpia pdf rendered', {
    reference: view.reference,
    edition,
    bytes: pdf.length,
    ms: Date.now() - started,
  });
  return deliver({
    body: pdf,
    contentType: 'application/pdf',
    filename: dpiaFilename(view.reference, edition, 'pdf'),
    disposition: 'attachment',
    headers: { 'x-content-type-options': 'nosniff' },
  });
});

/**
 * A bearer token on the API route (401/403 as every API route); the web session cookie on the /app
 * route, whose sessions are only ever a manager's or an auditor's. False: not signed in on the web.
 */
async function authorised(event: HttpEvent): Promise<boolean> {
  if (!event.routeKey.startsWith('GET /app/')) {
    requireRole(event, ['manager', 'auditor']);
    return true;
  }
  return (await readSession(event)) !== undefined;
}
