// Opening an advice request by its signed link: the one check the DPO's page and the DPIA document
// seen from the same link share. 404 for an unknown request, 403 unless the signature matches.
import { getReviewLinkKey } from '../review/link.js';
import { ForbiddenError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { verifyAdviceSignature } from './link.js';
import { type AdviceRecord, getAdvice } from './store.js';

export async function openSignedAdvice(adviceId: string, sig: string | null): Promise<AdviceRecord> {
  const advice = await getAdvice(adviceId);
  const key = await getReviewLinkKey();
  if (!verifyAdviceSignature(key, advice, sig)) {
    log.info('advice link refused: bad signature', { adviceId });
    throw new ForbiddenError(
      sig
        ? 'The signature in this link does not match. Open the link exactly as it arrived in your e-mail.'
        : 'This link has no signature. Open the link exactly as it arrived in your e-mail.',
    );
  }
  return advice;
}
