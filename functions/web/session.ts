// The web pages' session: an HS256 JWT in an HttpOnly, SameSite=Strict cookie, signed with a key
// derived from the review-link secret (no second secret to provision), and the CSRF token every
// form carries: HMAC(session key, the session's nonce), so it is bound to the one session.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { getReviewLinkKey } from '../review/link.js';
import { ROLES, type Role } from '../shared/auth.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { sha256hex } from '../shared/hash.js';
import { type HttpEvent, header } from '../shared/http.js';
import { revokedSessionKey } from '../shared/keys.js';

export const SESSION_COOKIE = 'dpia_session';
/** Holds the sign-in attempt (login CSRF nonce, or Cognito's state and PKCE verifier) for 10 minutes. */
export const SIGNIN_COOKIE = 'dpia_signin';
/** The longest a sign-in lasts, however active (issue 21: with the idle limit below). */
export const SESSION_HOURS = 8;
/** A session unused this long ends: every page served renews it, up to SESSION_HOURS. */
export const IDLE_MINUTES = 30;
const SIGNIN_MINUTES = 10;
const ISSUER = 'camera-dpia-web';
const SESSION_AUDIENCE = 'camera-dpia-web-session';
const SIGNIN_AUDIENCE = 'camera-dpia-web-signin';

export interface Session {
  sub: string;
  role: Role;
  /** Random per session: the CSRF token is derived from it, and a sign-out revokes it. */
  csrf: string;
  /** When the session's cookie stops being accepted unless a page renews it. */
  expiresAt?: string;
  /** When the person signed in (seconds since the epoch): the SESSION_HOURS limit runs from it. */
  issuedAt?: number;
}

/** What a sign-in attempt remembers between the sign-in page and its answer. */
export interface SignInAttempt {
  nonce: string;
  /** Cognito only: the PKCE code verifier. */
  verifier?: string;
}

let derived: Promise<Uint8Array> | undefined;

/** HMAC(review-link key, purpose): the same Secrets Manager secret, a key used for nothing else. */
export function sessionKey(): Promise<Uint8Array> {
  derived ??= getReviewLinkKey().then(
    (key) => new Uint8Array(createHmac('sha256', key).update('camera-dpia web session v1').digest()),
    (error: unknown) => {
      derived = undefined;
      throw error;
    },
  );
  return derived;
}

export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('base64url');

/**
 * A new session at sign-in, or (given `renewing`) the same session renewed by a page: the same
 * nonce and sign-in time, a new idle deadline, never past SESSION_HOURS after signing in.
 */
export async function signSession(
  session: Pick<Session, 'sub' | 'role'>,
  now = new Date(),
  renewing?: Pick<Session, 'csrf' | 'issuedAt'>,
): Promise<{ token: string; session: Session; maxAgeSeconds: number }> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const issuedAt = renewing?.issuedAt ?? nowSeconds;
  const expires = Math.min(nowSeconds + IDLE_MINUTES * 60, issuedAt + SESSION_HOURS * 3600);
  const full: Session = {
    sub: session.sub,
    role: session.role,
    csrf: renewing?.csrf ?? randomToken(),
    expiresAt: new Date(expires * 1000).toISOString(),
    issuedAt,
  };
  const token = await new SignJWT({ role: full.role, csrf: full.csrf })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(full.sub)
    .setIssuer(ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expires)
    .sign(await sessionKey());
  return { token, session: full, maxAgeSeconds: Math.max(0, expires - nowSeconds) };
}

/**
 * The session in the request's cookie, or undefined when there is none, it does not verify, or it
 * was signed out (issue 21: a copied cookie stops working at sign-out, not 8 hours later).
 */
export async function readSession(event: HttpEvent, now = new Date()): Promise<Session | undefined> {
  const payload = await readSignedCookie(event, SESSION_COOKIE, SESSION_AUDIENCE, now);
  if (!payload) return undefined;
  const role = payload.role;
  if (typeof payload.sub !== 'string' || payload.sub === '') return undefined;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return undefined;
  if (typeof payload.csrf !== 'string' || payload.csrf.length < 16) return undefined;
  if (await isRevoked(payload.csrf)) return undefined;
  return {
    sub: payload.sub,
    role: role as Role,
    csrf: payload.csrf,
    ...(typeof payload.exp === 'number' ? { expiresAt: new Date(payload.exp * 1000).toISOString() } : {}),
    ...(typeof payload.iat === 'number' ? { issuedAt: payload.iat } : {}),
  };
}

/** Sign-out: the session's nonce is recorded as revoked until the session would have expired. */
export async function revokeSession(session: Session, now = new Date()): Promise<void> {
  const expiresAt = session.expiresAt ?? new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString();
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...revokedSessionKey(sha256hex(session.csrf)),
        type: 'revoked-session',
        revokedAt: now.toISOString(),
        // DynamoDB's TTL deletes the item once the session could no longer be used anyway.
        expiresAtEpoch: Math.ceil(Date.parse(expiresAt) / 1000),
      },
    }),
  );
}

async function isRevoked(nonce: string): Promise<boolean> {
  const out = await dynamo.send(
    new GetCommand({
      TableName: tableName(),
      Key: revokedSessionKey(sha256hex(nonce)),
      ConsistentRead: true,
    }),
  );
  return out?.Item !== undefined;
}

export async function signSignInAttempt(attempt: SignInAttempt, now = new Date()): Promise<string> {
  return new SignJWT({ ...attempt })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(SIGNIN_AUDIENCE)
    .setExpirationTime(Math.floor(now.getTime() / 1000) + SIGNIN_MINUTES * 60)
    .sign(await sessionKey());
}

export async function readSignInAttempt(
  event: HttpEvent,
  now = new Date(),
): Promise<SignInAttempt | undefined> {
  const payload = await readSignedCookie(event, SIGNIN_COOKIE, SIGNIN_AUDIENCE, now);
  if (typeof payload?.nonce !== 'string') return undefined;
  return {
    nonce: payload.nonce,
    ...(typeof payload.verifier === 'string' ? { verifier: payload.verifier } : {}),
  };
}

/** The claims of one of our JWT cookies for `audience`; undefined when absent, forged or expired. */
async function readSignedCookie(
  event: HttpEvent,
  cookie: string,
  audience: string,
  now: Date,
): Promise<JWTPayload | undefined> {
  const token = cookieValue(event, cookie);
  if (!token) return undefined;
  try {
    const { payload } = await jwtVerify(token, await sessionKey(), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience,
      currentDate: now,
    });
    return payload;
  } catch {
    return undefined;
  }
}

/** The hidden form field's value: HMAC(session key, purpose | nonce), base64url. */
export async function csrfToken(nonce: string, purpose = 'csrf'): Promise<string> {
  return createHmac('sha256', await sessionKey())
    .update(`${purpose}|${nonce}`)
    .digest('base64url');
}

/** Constant-time check of a posted token against the one the nonce gives. */
export async function verifyCsrf(nonce: string, given: string | null, purpose = 'csrf'): Promise<boolean> {
  if (!given) return false;
  const expected = Buffer.from(await csrfToken(nonce, purpose), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// ---- cookies ------------------------------------------------------------------------------------

/** A cookie from the payload 2.0 `cookies` array (or a Cookie header, as some proxies send). */
export function cookieValue(event: HttpEvent, name: string): string | undefined {
  const pairs = event.cookies ?? (header(event, 'cookie') ?? '').split(';');
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** Secure only when the browser reached us over https (API Gateway says so in x-forwarded-proto). */
export function isHttps(event: HttpEvent): boolean {
  const proto = header(event, 'x-forwarded-proto');
  if (proto) return proto.split(',')[0]?.trim().toLowerCase() === 'https';
  return /^https/i.test(event.requestContext?.http?.protocol ?? '');
}

/**
 * SameSite=Strict for the session. The sign-in attempt is Lax: Cognito's redirect back to the
 * callback is a cross-site navigation, which never carries a Strict cookie.
 */
export function setCookie(
  event: HttpEvent,
  name: string,
  value: string,
  maxAgeSeconds: number,
  sameSite: 'Strict' | 'Lax' = 'Strict',
): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    `SameSite=${sameSite}`,
    `Max-Age=${maxAgeSeconds}`,
    ...(isHttps(event) ? ['Secure'] : []),
  ].join('; ');
}

export const clearCookie = (event: HttpEvent, name: string): string => setCookie(event, name, '', 0);

export const SIGNIN_MAX_AGE = SIGNIN_MINUTES * 60;
