// Opening a record by its signed link (the approver's review, the DPO's advice request): the one
// check each page and the DPIA document seen from the same link share. 404 for an unknown record,
// 403 unless the signature is the one the link was issued with.
import { ForbiddenError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { getReviewLinkKey, verifyReviewSignature } from './link.js';
import { getReview, type ReviewRecord } from './store.js';

export interface SignedLink<T> {
  kind: 'review' | 'advice';
  id: string;
  sig: string | null;
  load(id: string): Promise<T>;
  verify(key: Uint8Array, record: T, sig: string | null): boolean;
}

export async function openSigned<T>(link: SignedLink<T>): Promise<T> {
  const record = await link.load(link.id);
  const key = await getReviewLinkKey();
  if (!link.verify(key, record, link.sig)) {
    log.info(`${link.kind} link refused: bad signature`, { [`${link.kind}Id`]: link.id });
    throw new ForbiddenError(
      link.sig
        ? 'The signature in this link does not match. Open the link exactly as it arrived in your e-mail.'
        : 'This link has no signature. Open the link exactly as it arrived in your e-mail.',
    );
  }
  return record;
}

export const openSignedReview = (reviewId: string, sig: string | null): Promise<ReviewRecord> =>
  openSigned<ReviewRecord>({
    kind: 'review',
    id: reviewId,
    sig,
    load: getReview,
    verify: verifyReviewSignature,
  });
