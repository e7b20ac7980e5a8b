// web-documents: a proposal's DPIA document (HTML; the PDF is get-dpia-pdf) and its evidence pack.
import { dpiaPage, evidenceDownload } from './proposals.js';
import { type Pages, pagesHandler } from './serve.js';

export const PAGES: Pages = {
  'GET /app/proposals/{id}/dpia': dpiaPage,
  'GET /app/proposals/{id}/evidence': evidenceDownload,
};

export const handler = pagesHandler(PAGES);
