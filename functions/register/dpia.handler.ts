// GET /register/{reference}/dpia: the public edition of the DPIA of a proposal on the public camera
// register (SPEC 11). No sign-in, no cookies; the answer is cacheable. A function of its own, apart
// from the register's lists (public-register): each bundles only what its own answers need (issue 17).
import { loadDpiaSources, renderDpia } from '../dpia/document.js';
import { NotFoundError } from '../shared/errors.js';
import { type HttpEvent, type HttpResult, html, httpHandler } from '../shared/http.js';
import { cacheable } from './cache.js';
import { asPage } from './page.js';
import { findRegisterEntry } from './store.js';

const REFERENCE = /^DPIA-\d{4}-\d{4,}$/;

export const handler = httpHandler((event) => asPage(() => publicDpia(event)));

/**
 * The public edition of a DPIA, only for a proposal on the register (approved): anything else,
 * an unknown reference included, is the same 404, so the route tells nobody what else exists.
 */
async function publicDpia(event: HttpEvent): Promise<HttpResult> {
  const reference = event.pathParameters?.reference ?? '';
  const notListed = new NotFoundError(`${reference.slice(0, 40) || 'That'} is not on the camera register.`);
  if (!REFERENCE.test(reference)) throw notListed;
  const entry = await findRegisterEntry(reference);
  if (!entry) throw notListed;
  const sources = await loadDpiaSources(entry.proposalId).catch((error: unknown) => {
    throw error instanceof NotFoundError ? notListed : error;
  });
  if (sources.proposal.status !== 'approved' || sources.decision?.outcome !== 'approved') throw notListed;
  return cacheable(event, html(200, renderDpia(sources, 'public').html));
}
