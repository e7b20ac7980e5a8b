// The web session and CSRF tokens, and the Cognito code exchange, with Secrets Manager mocked and
// no network: the ID token is signed here and checked against a local key set.
import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpEvent } from '../../functions/shared/http.js';
import {
  authorizeUrl,
  type CognitoSettings,
  codeChallenge,
  exchangeCode,
} from '../../functions/web/cognito.js';
import {
  csrfToken,
  readSession,
  revokeSession,
  SESSION_COOKIE,
  setCookie,
  signSession,
  verifyCsrf,
} from '../../functions/web/session.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';

const secrets = mockClient(SecretsManagerClient);
const ddb = mockDocumentClient();
process.env.DPIA_REVIEW_KEY_SECRET_ID = 'camera-dpia/review-link-key';
process.env.DPIA_TABLE_NAME = 'camera-dpia';

/** The revoked sessions the table holds, by key. */
const revoked = new Map<string, Record<string, unknown>>();

beforeAll(() => {
  secrets.on(GetSecretValueCommand).resolves({ SecretString: randomBytes(32).toString('base64') });
  ddb.on(GetCommand).callsFake((input) => ({ Item: revoked.get(`${input.Key.PK}|${input.Key.SK}`) }));
  ddb.on(PutCommand).callsFake((input) => {
    revoked.set(`${input.Item.PK}|${input.Item.SK}`, input.Item);
    return {};
  });
});

const eventWith = (cookies: string[], headers: Record<string, string> = {}) =>
  ({ cookies, headers, requestContext: { http: { protocol: 'HTTP/1.1' } } }) as unknown as HttpEvent;

describe('session cookie', () => {
  it('round-trips the user, role and CSRF nonce', async () => {
    const { token, session } = await signSession({ sub: 'm@police.example', role: 'manager' });
    const read = await readSession(eventWith([`${SESSION_COOKIE}=${token}`]));
    expect(read).toEqual(session);
    expect(session.csrf.length).toBeGreaterThanOrEqual(16);
  });

  it('stops accepting a session once signed out, in any browser holding a copy (issue 21)', async () => {
    const { token, session } = await signSession({ sub: 'm@police.example', role: 'manager' });
    const copy = eventWith([`${SESSION_COOKIE}=${token}`]);
    expect(await readSession(copy)).toEqual(session);
    await revokeSession(session);
    expect(await readSession(copy)).toBeUndefined();
    const item = [...revoked.values()].at(-1);
    expect(item?.expiresAtEpoch).toBe(Math.ceil(Date.parse(session.expiresAt ?? '') / 1000));
    expect(JSON.stringify(item)).not.toContain(session.csrf); // only its hash is kept
    const other = await signSession({ sub: 'm@police.example', role: 'manager' });
    expect(await readSession(eventWith([`${SESSION_COOKIE}=${other.token}`]))).toEqual(other.session);
  });

  it('ends after 30 idle minutes; a renewal keeps the nonce and never passes 8 hours from sign-in (issue 21)', async () => {
    const t0 = new Date('2026-12-04T09:00:00Z');
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    const signed = await signSession({ sub: 'm@police.example', role: 'manager' }, t0);
    expect(signed.maxAgeSeconds).toBe(30 * 60);
    const cookie = (token: string) => eventWith([`${SESSION_COOKIE}=${token}`]);
    expect(await readSession(cookie(signed.token), at(29))).toBeDefined();
    expect(await readSession(cookie(signed.token), at(31))).toBeUndefined();

    // A page at 20 minutes renews it: still the same session at 45 minutes.
    const renewed = await signSession(signed.session, at(20), signed.session);
    expect(renewed.session.csrf).toBe(signed.session.csrf);
    expect(await readSession(cookie(renewed.token), at(45))).toMatchObject({ csrf: signed.session.csrf });

    // However active, it ends 8 hours after sign-in.
    const late = await signSession(signed.session, at(8 * 60 - 10), signed.session);
    expect(late.maxAgeSeconds).toBe(10 * 60);
    expect(await readSession(cookie(late.token), at(8 * 60 + 1))).toBeUndefined();
  });

  it('refuses a tampered, expired or foreign token', async () => {
    const { token } = await signSession({ sub: 'a@police.example', role: 'auditor' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'manager' }),
    ).toString('base64url');
    expect(await readSession(eventWith([`${SESSION_COOKIE}=${h}.${forgedPayload}.${s}`]))).toBeUndefined();
    const later = new Date(Date.now() + 9 * 3600_000);
    expect(await readSession(eventWith([`${SESSION_COOKIE}=${token}`]), later)).toBeUndefined();
    const foreign = await new SignJWT({ role: 'manager', csrf: 'x'.repeat(20) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('eve')
      .setExpirationTime('1h')
      .sign(randomBytes(32));
    expect(await readSession(eventWith([`${SESSION_COOKIE}=${foreign}`]))).toBeUndefined();
    expect(await readSession(eventWith([]))).toBeUndefined();
  });

  it('is HttpOnly and SameSite=Strict, and Secure only over https', () => {
    expect(setCookie(eventWith([]), 'n', 'v', 60)).toBe('n=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(setCookie(eventWith([], { 'x-forwarded-proto': 'https' }), 'n', 'v', 60)).toContain('; Secure');
  });
});

describe('CSRF token', () => {
  it('is bound to the session nonce and the purpose', async () => {
    const token = await csrfToken('nonce-one-aaaaaaaaaaaa');
    expect(await verifyCsrf('nonce-one-aaaaaaaaaaaa', token)).toBe(true);
    expect(await verifyCsrf('nonce-two-aaaaaaaaaaaa', token)).toBe(false);
    expect(await verifyCsrf('nonce-one-aaaaaaaaaaaa', token, 'sign-in')).toBe(false);
    expect(await verifyCsrf('nonce-one-aaaaaaaaaaaa', null)).toBe(false);
    expect(await verifyCsrf('nonce-one-aaaaaaaaaaaa', `${token}=`)).toBe(false);
  });
});

describe('Cognito hosted UI sign-in', () => {
  const settings: CognitoSettings = {
    domain: 'https://dpia.auth.eu-west-2.amazoncognito.com',
    clientId: 'client-123',
    issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_pool',
    redirectUri: 'https://dpia.example/app/auth/callback',
  };

  it('sends the browser to the authorize endpoint with an S256 PKCE challenge', () => {
    const url = new URL(authorizeUrl(settings, 'state-1', 'verifier-1'));
    expect(url.origin + url.pathname).toBe(`${settings.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'client-123',
      redirect_uri: settings.redirectUri,
      state: 'state-1',
      code_challenge: codeChallenge('verifier-1'),
      code_challenge_method: 'S256',
    });
  });

  async function tokens(claims: Record<string, unknown>, audience = settings.clientId) {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(settings.issuer)
      .setAudience(audience)
      .setSubject('sub-1')
      .setExpirationTime('1h')
      .sign(privateKey);
    const calls: { url: string; body: string }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url: String(url), body: String(init.body) });
      return new Response(JSON.stringify({ id_token: idToken }), { status: 200 });
    }) as typeof fetch;
    return { keys: createLocalJWKSet({ keys: [jwk] }), fetch: fakeFetch, calls };
  }

  it('exchanges the code with the verifier and takes the role from cognito:groups', async () => {
    const deps = await tokens({ email: 'm@police.example', 'cognito:groups': ['manager'], token_use: 'id' });
    expect(await exchangeCode(settings, 'code-1', 'verifier-1', deps)).toEqual({
      sub: 'm@police.example',
      role: 'manager',
    });
    const sent = new URLSearchParams(deps.calls[0]?.body);
    expect(deps.calls[0]?.url).toBe(`${settings.domain}/oauth2/token`);
    expect(sent.get('code_verifier')).toBe('verifier-1');
    expect(sent.get('grant_type')).toBe('authorization_code');
  });

  it('refuses a token for another client (401) and a user in neither group (403)', async () => {
    const other = await tokens({ 'cognito:groups': ['manager'] }, 'another-client');
    await expect(exchangeCode(settings, 'c', 'v', other)).rejects.toMatchObject({ status: 401 });
    const none = await tokens({ email: 'x@police.example', 'cognito:groups': ['staff'] });
    await expect(exchangeCode(settings, 'c', 'v', none)).rejects.toMatchObject({ status: 403 });
  });
});
