// Web sign-in on AWS: the Cognito hosted UI with the authorization code flow and PKCE. The ID
// token is checked against the user pool's published keys; the role comes from cognito:groups.
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { parseGroupsClaim, ROLES, type Role } from '../shared/auth.js';
import { ENV } from '../shared/config.js';
import { requiredEnv } from '../shared/env.js';
import { ForbiddenError, UnauthorizedError } from '../shared/errors.js';

export interface CognitoSettings {
  domain: string;
  clientId: string;
  issuer: string;
  redirectUri: string;
}

export const CALLBACK_PATH = '/app/auth/callback';

export function cognitoSettings(): CognitoSettings {
  return {
    domain: requiredEnv(ENV.cognitoDomain).replace(/\/+$/, ''),
    clientId: requiredEnv(ENV.cognitoClientId),
    issuer: requiredEnv(ENV.cognitoIssuer).replace(/\/+$/, ''),
    redirectUri: `${requiredEnv(ENV.publicBaseUrl).replace(/\/+$/, '')}${CALLBACK_PATH}`,
  };
}

/** S256 code challenge of a PKCE verifier (RFC 7636). */
export const codeChallenge = (verifier: string): string =>
  createHash('sha256').update(verifier).digest('base64url');

export function authorizeUrl(settings: CognitoSettings, state: string, verifier: string): string {
  const url = new URL(`${settings.domain}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge: codeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export function logoutUrl(settings: CognitoSettings, returnTo: string): string {
  const url = new URL(`${settings.domain}/logout`);
  url.search = new URLSearchParams({ client_id: settings.clientId, logout_uri: returnTo }).toString();
  return url.toString();
}

let jwks: { issuer: string; get: JWTVerifyGetKey } | undefined;
const remoteKeys = (issuer: string): JWTVerifyGetKey => {
  if (jwks?.issuer !== issuer) {
    jwks = { issuer, get: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)) };
  }
  return jwks.get;
};

export interface SignedInUser {
  sub: string;
  role: Role;
}

/**
 * Exchanges the authorization code at the token endpoint and verifies the ID token. A user in both
 * groups signs in as manager (the wider set of actions); a user in neither is refused (403).
 */
export async function exchangeCode(
  settings: CognitoSettings,
  code: string,
  verifier: string,
  dependencies: { fetch?: typeof fetch; keys?: JWTVerifyGetKey } = {},
): Promise<SignedInUser> {
  const doFetch = dependencies.fetch ?? fetch;
  const response = await doFetch(`${settings.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code,
      redirect_uri: settings.redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
  if (!response.ok) throw new UnauthorizedError('The sign-in could not be completed: sign in again.');
  const body = (await response.json()) as { id_token?: unknown };
  if (typeof body.id_token !== 'string') {
    throw new UnauthorizedError('The sign-in could not be completed: sign in again.');
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(body.id_token, dependencies.keys ?? remoteKeys(settings.issuer), {
      issuer: settings.issuer,
      audience: settings.clientId,
    }));
  } catch {
    throw new UnauthorizedError('The sign-in could not be verified: sign in again.');
  }
  if (payload.token_use !== undefined && payload.token_use !== 'id') {
    throw new UnauthorizedError('The sign-in could not be verified: sign in again.');
  }
  const groups = parseGroupsClaim(payload['cognito:groups']);
  const role = ROLES.find((r) => groups.includes(r));
  if (!role) throw new ForbiddenError('Your account is in neither the manager nor the auditor group.');
  const sub = String(payload.email ?? payload['cognito:username'] ?? payload.sub ?? '');
  if (sub === '') throw new UnauthorizedError('The sign-in did not name a user: sign in again.');
  return { sub, role };
}
