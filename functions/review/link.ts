// The approver's review link (SPEC §6): `<base>/review/<reviewId>?sig=<signature>`. The signature is
// the link's only credential: HMAC-SHA256 over the review id, the approver and the expiry, with a
// key kept in Secrets Manager. The workflow's task token never appears in it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { secrets } from '../shared/clients/secrets.js';
import { ENV, REVIEW_KEY_SECRET_ID_ENV } from '../shared/config.js';
import { requiredEnv } from '../shared/env.js';
import { ConfigurationError } from '../shared/errors.js';

/** What a signature binds: a link for one review, one approver, until one moment. */
export interface ReviewLinkClaims {
  reviewId: string;
  approverEmail: string;
  expiresAt: string;
}

/** Shorter keys than this make the HMAC guessable; the local stack and the CDK both make 32 bytes. */
const MIN_KEY_BYTES = 16;

let reviewLinkKey: Promise<Uint8Array> | undefined;

/** The HMAC key, read once per container; a failed read is retried by the next caller. */
export function getReviewLinkKey(): Promise<Uint8Array> {
  reviewLinkKey ??= loadReviewLinkKey().catch((error: unknown) => {
    reviewLinkKey = undefined;
    throw error;
  });
  return reviewLinkKey;
}

async function loadReviewLinkKey(): Promise<Uint8Array> {
  const out = await secrets.send(
    new GetSecretValueCommand({ SecretId: requiredEnv(REVIEW_KEY_SECRET_ID_ENV) }),
  );
  const key = Buffer.from(out.SecretString?.trim() ?? '', 'base64');
  if (key.length < MIN_KEY_BYTES) {
    throw new ConfigurationError(
      `The review-link key secret must hold at least ${MIN_KEY_BYTES} random bytes, base64-encoded.`,
    );
  }
  return key;
}

/** base64url(HMAC-SHA256(key, reviewId | approverEmail (lower-cased) | expiresAt)). */
export function signReview(key: Uint8Array, claims: ReviewLinkClaims): string {
  const message = [claims.reviewId, claims.approverEmail.toLowerCase(), claims.expiresAt].join('|');
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/**
 * True only when `signature` is exactly the one this review was issued with. The comparison is of
 * the encoded text, so padding or stray characters a lenient base64 decoder would drop still fail.
 */
export function verifyReviewSignature(
  key: Uint8Array,
  claims: ReviewLinkClaims,
  signature: string | null | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signReview(key, claims), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function reviewUrl(baseUrl: string, reviewId: string, signature: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/review/${encodeURIComponent(reviewId)}?sig=${encodeURIComponent(signature)}`;
}

/** The public base URL the API answers on (DPIA_PUBLIC_BASE_URL). */
export const publicBaseUrl = (): string => requiredEnv(ENV.publicBaseUrl);
