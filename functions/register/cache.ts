// The public register's caching rules, for the lists and the public DPIA alike: a public cache may
// keep any answer five minutes, and a strong ETag lets it revalidate for free.
import { createHash } from 'node:crypto';
import { type HttpEvent, type HttpResult, header } from '../shared/http.js';

export const CACHE_CONTROL = 'public, max-age=300';

/**
 * A 200 made cacheable: `Cache-Control: public, max-age=300` and a strong ETag of the body. When
 * the request's If-None-Match names that ETag (or `*`), a 304 with no body instead.
 */
export function cacheable(event: HttpEvent, result: HttpResult): HttpResult {
  const body = typeof result.body === 'string' ? result.body : '';
  const etag = `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`;
  const headers: Record<string, string | number | boolean> = {
    ...(result.headers ?? {}),
    'cache-control': CACHE_CONTROL,
    etag,
  };
  if (matchesETag(header(event, 'if-none-match'), etag)) {
    const { 'content-type': _type, 'content-disposition': _disposition, ...kept } = headers;
    return { statusCode: 304, headers: kept, body: '' };
  }
  return { ...result, headers };
}

/** If-None-Match compares weakly (RFC 9110 13.1.2): `W/"x"` matches `"x"`. */
function matchesETag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
