// Opening a review by its signed link: the one check the review page and the DPIA document seen
// from the same link share. 404 for an unknown review, 403 unless the signature is the one the
// review was issued with.
import { ForbiddenError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { getReviewLinkKey, verifyReviewSignature } from './link.js';
import { getReview, type ReviewRecord } from './store.js';

export async function openSignedReview(reviewId: string, sig: string | null): Promise<ReviewRecord> {
  const review = await getReview(reviewId);
  const key = await getReviewLinkKey();
  if (!verifyReviewSignature(key, review, sig)) {
    log.info('review link refused: bad signature', { reviewId });
    throw new ForbiddenError(
      sig
        ? 'The signature in this link does not match. Open the link exactly as it arrived in your e-mail.'
        : 'This link has no signature. Open the link exactly as it arrived in your e-mail.',
    );
  }
  return review;
}
