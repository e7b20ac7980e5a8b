// Who is calling: the role comes from the `cognito:groups` claim that the HTTP API's JWT
// authorizer (Cognito on AWS, the local stack's HS256 check locally) puts in the event. Every
// handler checks it again itself: the authorizer only proves the token is genuine.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError, UnauthorizedError } from './errors.js';

export const ROLES = ['manager', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  user: string;
  roles: Role[];
}

type EventWithClaims = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

/** The caller, or 401 when the event carries no verified identity. */
export function callerOf(event: APIGatewayProxyEventV2): Caller {
  const claims = (event as EventWithClaims).requestContext.authorizer?.jwt?.claims;
  const user = claims
    ? String(claims.email ?? claims.username ?? claims['cognito:username'] ?? claims.sub ?? '')
    : '';
  if (!claims || user === '') throw new UnauthorizedError('Sign in first: this route needs a bearer token.');
  const roles = parseGroupsClaim(claims['cognito:groups']).filter((g): g is Role =>
    (ROLES as readonly string[]).includes(g),
  );
  return { user, roles };
}

/** The caller, when they hold one of the allowed roles; 401 or 403 otherwise. */
export function requireRole(event: APIGatewayProxyEventV2, allowed: readonly Role[]): Caller {
  const caller = callerOf(event);
  if (!caller.roles.some((role) => allowed.includes(role))) {
    throw new ForbiddenError(`This needs the ${allowed.join(' or ')} role.`);
  }
  return caller;
}

/**
 * The groups in a `cognito:groups` claim, whichever form it arrives in: the authorizer's `[a b]`
 * string, a JSON array text, a plain `a,b` / `a` string, or a real array (a decoded token).
 */
export function parseGroupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  if (typeof value !== 'string') return [];
  const text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1).trim();
    if (inner.startsWith('"')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed)) return parseGroupsClaim(parsed);
      } catch {
        // Not JSON after all: fall through to the space-separated form.
      }
    }
    return inner.split(/[\s,]+/).filter((group) => group !== '');
  }
  return text.split(/[\s,]+/).filter((group) => group !== '');
}
