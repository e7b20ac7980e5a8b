// GET /proposals/{id}/dpia.pdf (manager, auditor by token): the DPIA document printed by headless
// Chromium. A function of its own, so the browser's memory and the x86_64 binary are paid for here
// only; the same PDF for the web pages (by session cookie) is web-dpia-pdf's (web-pdf.handler.ts).
import { requireRole } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { pdfAnswer } from './pdf-answer.js';

export const handler = httpHandler(async (event) => {
  requireRole(event, ['manager', 'auditor']);
  return pdfAnswer(event);
});
