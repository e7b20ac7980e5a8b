// A proposal named on the command line by its id or by its reference (DPIA-YYYY-NNNN), as people
// quote it from a mail or a letter. The API is keyed by id, so a reference is looked up in the
// proposals list, newest first: references are numbered in order, so the search stops at a page of
// proposals all older than the one named (a reference from years ago pages further back).
import { type ApiOptions, callApi, explainError } from './api.js';
import { CliError, EXIT_FAILURE } from './errors.js';

const REFERENCE = /^DPIA-(\d{4})-(\d{4,})$/i;
const PAGE = 200;

export const isReference = (value: string): boolean => REFERENCE.test(value.trim());

/** The proposal id for an id or a reference; an id is passed through unchecked (the API says if it is unknown). */
export async function proposalIdOf(
  idOrReference: string,
  options: ApiOptions,
  role: 'manager' | 'auditor',
): Promise<string> {
  if (!isReference(idOrReference)) return idOrReference;
  const reference = idOrReference.trim().toUpperCase();
  const order = (ref: string) => {
    const m = REFERENCE.exec(ref);
    return m ? Number(m[1]) * 1e8 + Number(m[2]) : 0;
  };
  const target = order(reference);
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(PAGE), ...(cursor ? { cursor } : {}) });
    const response = await callApi(options, role, 'GET', `/proposals?${query}`);
    if (response.status !== 200) throw explainError(response);
    const page = response.body as {
      items: { proposalId: string; reference: string }[];
      nextCursor: string | null;
    };
    const found = page.items.find((item) => item.reference === reference);
    if (found) return found.proposalId;
    // Newest first: a whole page older than the one named means it does not exist. (A page, not
    // one item: two proposals opened at the same moment may be listed a place out of order.)
    if (page.items.length > 0 && page.items.every((item) => order(item.reference) < target)) break;
    cursor = page.nextCursor;
  } while (cursor);
  throw new CliError(
    [`There is no proposal ${reference}. Check the reference, or give the proposal id.`],
    EXIT_FAILURE,
  );
}

/** `/proposals/<id>` for an id or a reference. */
export async function proposalPath(
  idOrReference: string,
  options: ApiOptions,
  role: 'manager' | 'auditor',
): Promise<string> {
  return `/proposals/${encodeURIComponent(await proposalIdOf(idOrReference, options, role))}`;
}
