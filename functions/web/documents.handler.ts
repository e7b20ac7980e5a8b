// web-documents: a proposal's DPIA document (HTML; the PDF is get-dpia-pdf) and its evidence pack.
import { dpiaPage, evidenceDownload } from './proposals.js';
import { webFunction } from './serve.js';

export const { PAGES, handler } = webFunction({
  'GET /app/proposals/{id}/dpia': dpiaPage,
  'GET /app/proposals/{id}/evidence': evidenceDownload,
});
