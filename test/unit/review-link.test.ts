import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ReviewLinkClaims,
  reviewUrl,
  signReview,
  verifyReviewSignature,
} from '../../functions/review/link.js';

const key = randomBytes(32);
const claims: ReviewLinkClaims = {
  reviewId: 'Xq3v9Jw2mTQb0f8kL1nYzA',
  approverEmail: 's.okafor@police.example',
  expiresAt: '2026-12-29T17:00:00.000Z',
};

describe('signReview / verifyReviewSignature', () => {
  it('accepts the signature it issued, and it is base64url of a SHA-256 HMAC', () => {
    const sig = signReview(key, claims);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyReviewSignature(key, claims, sig)).toBe(true);
  });

  it('binds the approver case-insensitively, as addresses are', () => {
    const sig = signReview(key, { ...claims, approverEmail: 'S.Okafor@Police.Example' });
    expect(verifyReviewSignature(key, claims, sig)).toBe(true);
  });

  it('refuses a missing or empty signature', () => {
    expect(verifyReviewSignature(key, claims, undefined)).toBe(false);
    expect(verifyReviewSignature(key, claims, null)).toBe(false);
    expect(verifyReviewSignature(key, claims, '')).toBe(false);
  });

  it('refuses padding or stray characters a lenient base64 decoder would ignore', () => {
    const sig = signReview(key, claims);
    for (const variant of [`${sig}=`, `${sig}!`, ` ${sig}`, sig.replace(/-/g, '+').replace(/_/g, '/')]) {
      if (variant === sig) continue;
      expect(verifyReviewSignature(key, claims, variant)).toBe(false);
    }
  });

  it('refuses any change to the review, the approver, the expiry, the key or the signature (property)', () => {
    const text = fc.string({ minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        fc.record({
          reviewId: text,
          approverEmail: fc.emailAddress(),
          expiresAt: fc.date({
            min: new Date('2020-01-01'),
            max: new Date('2100-01-01'),
            noInvalidDate: true,
          }),
        }),
        fc.constantFrom('reviewId', 'approverEmail', 'expiresAt', 'key', 'sig'),
        fc.nat(),
        (raw, part, n) => {
          const original = { ...raw, expiresAt: raw.expiresAt.toISOString() };
          const sig = signReview(key, original);
          expect(verifyReviewSignature(key, original, sig)).toBe(true);
          let tamperedClaims = original;
          let tamperedKey: Uint8Array = key;
          let tamperedSig = sig;
          if (part === 'reviewId') tamperedClaims = { ...original, reviewId: `${original.reviewId}x` };
          if (part === 'approverEmail')
            tamperedClaims = { ...original, approverEmail: `x${original.approverEmail}` };
          if (part === 'expiresAt') {
            tamperedClaims = {
              ...original,
              expiresAt: new Date(raw.expiresAt.getTime() + 1 + (n % 86_400_000)).toISOString(),
            };
          }
          if (part === 'key') tamperedKey = Buffer.concat([key.subarray(1), Buffer.from([key[0] ?? 0])]);
          if (part === 'sig') {
            const i = n % sig.length;
            const c = sig[i] === 'A' ? 'B' : 'A';
            tamperedSig = sig.slice(0, i) + c + sig.slice(i + 1);
          }
          expect(verifyReviewSignature(tamperedKey, tamperedClaims, tamperedSig)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('reviewUrl', () => {
  it('is <base>/review/<reviewId>?sig=<sig>, with no task token or anything else', () => {
    const sig = signReview(key, claims);
    expect(reviewUrl('https://dpia.example.police.uk/', claims.reviewId, sig)).toBe(
      `https://dpia.example.police.uk/review/${claims.reviewId}?sig=${sig}`,
    );
    expect(reviewUrl('http://127.0.0.1:3000', 'a', 'b')).toBe('http://127.0.0.1:3000/review/a?sig=b');
  });
});

describe('getReviewLinkKey', () => {
  const secrets = mockClient(SecretsManagerClient);
  beforeEach(() => {
    secrets.reset();
    vi.resetModules();
    vi.stubEnv('DPIA_REVIEW_KEY_SECRET_ID', 'camera-dpia/review-link-key');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('reads the secret once per container and decodes it from base64', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: key.toString('base64') });
    const { getReviewLinkKey } = await import('../../functions/review/link.js');
    const [a, b] = await Promise.all([getReviewLinkKey(), getReviewLinkKey()]);
    expect(Buffer.from(a).equals(key)).toBe(true);
    expect(await getReviewLinkKey()).toBe(b);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'camera-dpia/review-link-key',
    });
  });

  it('tries again on the next call when the read failed', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: key.toString('base64') });
    const { getReviewLinkKey } = await import('../../functions/review/link.js');
    await expect(getReviewLinkKey()).rejects.toThrow('throttled');
    expect(Buffer.from(await getReviewLinkKey()).equals(key)).toBe(true);
  });

  it('refuses a key too short to be safe', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: Buffer.from('short').toString('base64') });
    const { getReviewLinkKey } = await import('../../functions/review/link.js');
    await expect(getReviewLinkKey()).rejects.toThrow(/at least 16 random bytes/);
  });
});
