// What the public register's lists share: the query every format accepts (the caching rules are in
// cache.ts, which the public DPIA shares).
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { ENV } from '../shared/config.js';
import { ValidationError } from '../shared/errors.js';
import type { HttpEvent } from '../shared/http.js';
import { pageCursor, pageLimit } from '../shared/model/paging.js';
import { CAMERA_TYPES } from '../shared/model/proposal-terms.js';

const TYPE_HINT = `type must be one of ${CAMERA_TYPES.join(', ')}`;

/** `?area=&type=&limit=&cursor=`, the same for the page, the CSV and the JSON. */
export const RegisterQuery = z.object({
  area: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(2, 'area must be at least 2 characters'),
        z.maxLength(200, 'area must be at most 200 characters'),
      ),
  ),
  // `anpr` reads as ANPR: people type filters in a URL by hand.
  type: z.optional(
    z.pipe(z.string().check(z.trim(), z.toUpperCase()), z.enum(CAMERA_TYPES, { error: TYPE_HINT })),
  ),
  limit: pageLimit(),
  cursor: pageCursor(),
});
export type RegisterQuery = z.infer<typeof RegisterQuery>;

/**
 * The query of a request, or a ValidationError. An empty field is no filter (the page's form sends
 * `area=&type=` when left blank); parameters the register does not know are ignored, so a shared
 * link with tracking parameters still opens.
 */
export function parseRegisterQuery(event: HttpEvent): RegisterQuery {
  const given = Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = RegisterQuery.safeParse(given);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return parsed.data;
}

/** `/register.csv?area=Tenterden&cursor=...`: a link to the same rows in another form or page. */
export function registerHref(
  path: string,
  query: Partial<RegisterQuery>,
  options: { cursor?: string | null; keepLimit?: boolean } = {},
): string {
  const params = new URLSearchParams();
  if (query.area) params.set('area', query.area);
  if (query.type) params.set('type', query.type);
  if (options.keepLimit !== false && query.limit !== undefined && query.limit !== 50)
    params.set('limit', String(query.limit));
  if (options.cursor) params.set('cursor', options.cursor);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** The deployment's public address for links in the open data; relative links without it. */
export const publicBase = (): string => process.env[ENV.publicBaseUrl] ?? '';
