// Opening an advice request by its signed link, as a review is opened (review/signed.ts).
import { openSigned } from '../review/signed.js';
import { verifyAdviceSignature } from './link.js';
import { type AdviceRecord, getAdvice } from './store.js';

export const openSignedAdvice = (adviceId: string, sig: string | null): Promise<AdviceRecord> =>
  openSigned<AdviceRecord>({
    kind: 'advice',
    id: adviceId,
    sig,
    load: getAdvice,
    verify: verifyAdviceSignature,
  });
