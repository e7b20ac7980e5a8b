// The HTTP API's JWT authorizer: the bearer token and the claims as API Gateway passes them on.
import type { JWTPayload } from 'jose';

/** What the HTTP API JWT authorizer puts in `requestContext.authorizer`. */
export interface HttpApiJwtAuthorizer {
  jwt: {
    /** Every claim as a string; arrays as `[a b]` (see parseGroupsClaim). */
    claims: Record<string, string>;
    /** null unless the route names authorization scopes, which ours never do. */
    scopes: string[] | null;
  };
}

/** Like the HTTP API authorizer, accepts `Bearer <jwt>` or the bare token. */
export function bearerToken(header: string | undefined): string | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(value);
  return bearer ? bearer[1] : value;
}

/**
 * Claims as the HTTP API JWT authorizer passes them: every value a string, numbers and booleans as
 * their text, arrays as `[a b]` (space-separated in brackets), objects as JSON, null claims left out.
 */
export function formatAuthorizerClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    claims[name] = formatClaimValue(value);
  }
  return claims;
}

function formatClaimValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatClaimValue).join(' ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
