// The DPIA document as a PDF answer, whoever asked for it (get-dpia-pdf for a bearer token,
// web-dpia-pdf for a web session): the edition asked for, printed by headless Chromium.
import { type HttpEvent, type HttpResult, pathParameter } from '../shared/http.js';
import { deliver } from '../shared/large-body.js';
import { log } from '../shared/logger.js';
import { dpiaFilename, loadDpiaSources, renderDpia } from './document.js';
import { parseEdition } from './edition.js';
import { renderPdf } from './pdf.js';

export async function pdfAnswer(event: HttpEvent): Promise<HttpResult> {
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
}
