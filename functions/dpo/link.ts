// The DPO's advice link: `<base>/dpo/<adviceId>?sig=<signature>`, signed exactly as a review link
// (functions/review/link.ts: HMAC-SHA256, same key) over `dpo:<adviceId>`, the DPO and the expiry.
// The prefix keeps the two kinds apart: a review id never contains a colon.
import { signReview, verifyReviewSignature } from '../review/link.js';
import type { AdviceRecord } from './store.js';

type Claims = Pick<AdviceRecord, 'adviceId' | 'dpoEmail' | 'expiresAt'>;

const asReviewClaims = (advice: Claims) => ({
  reviewId: `dpo:${advice.adviceId}`,
  approverEmail: advice.dpoEmail,
  expiresAt: advice.expiresAt,
});

export const signAdvice = (key: Uint8Array, advice: Claims): string =>
  signReview(key, asReviewClaims(advice));

export const verifyAdviceSignature = (
  key: Uint8Array,
  advice: Claims,
  signature: string | null | undefined,
) => verifyReviewSignature(key, asReviewClaims(advice), signature);

export function adviceUrl(baseUrl: string, adviceId: string, signature: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/dpo/${encodeURIComponent(adviceId)}?sig=${encodeURIComponent(signature)}`;
}
