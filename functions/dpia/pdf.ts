// The DPIA document as a PDF: the same HTML, printed by headless Chromium (functions/shared/chromium.ts,
// the one launcher: the same build locally and on Lambda). Chromium's own header and footer put the
// reference, the status and the page number on every printed page, as a signed document needs.
import { chromium } from 'playwright-core';
import { chromiumLaunch } from '../shared/chromium.js';

export interface PdfLabels {
  reference: string;
  status: string;
  /** "DRAFT - not yet decided" until there is a decision. */
  draft: boolean;
  edition: 'full' | 'public';
}

/** Chromium's header and footer templates are HTML of their own: every value is escaped here. */
const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const STYLE =
  'font-family: Arial, Helvetica, sans-serif; font-size: 8px; color: #3d4b5c; width: 100%; margin: 0 16mm;';

export function headerTemplate(labels: PdfLabels): string {
  const left = `${escapeHtml(labels.reference)} · Data Protection Impact Assessment${labels.edition === 'public' ? ' · Public edition' : ' · Restricted'}`;
  const right = labels.draft
    ? '<strong style="color:#b0281a">DRAFT - not yet decided</strong>'
    : `Status: ${escapeHtml(labels.status)}`;
  return `<div style="${STYLE} display: flex; justify-content: space-between;"><span>${left}</span><span>${right}</span></div>`;
}

export function footerTemplate(labels: PdfLabels): string {
  return `<div style="${STYLE} display: flex; justify-content: space-between;"><span>${escapeHtml(labels.reference)}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}

/**
 * Prints the HTML to an A4 PDF. One browser per call, in single-process mode as on Lambda: a PDF is
 * a rare request, and a browser kept warm between invocations would hold its memory for nothing.
 */
export async function renderPdf(html: string, labels: PdfLabels): Promise<Buffer> {
  const { executablePath, args, env } = await chromiumLaunch(true);
  const browser = await chromium.launch({ executablePath, args, env, headless: true });
  try {
    const page = await browser.newPage();
    // The document loads nothing: no network to wait for, so the content is ready once it is set.
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: headerTemplate(labels),
      footerTemplate: footerTemplate(labels),
      margin: { top: '22mm', bottom: '20mm', left: '16mm', right: '16mm' },
      tagged: true,
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
