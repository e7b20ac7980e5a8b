// The `limit` and `cursor` of the cursor-paged list queries (GET /decisions, GET /reviews/due):
// one rule and one wording for both.
import * as z from 'zod/mini';
import { once } from '../once.js';
import './zod-messages.js';

const LIMIT_HINT = 'limit must be a whole number from 1 to 200';

/**
 * Items per page: 1 to 200, 50 when the query gives none. Built on first use (shared/once.ts), as
 * the schemas that include it may be: one schema shared by every query that asks for it.
 */
export const pageLimit = /* @__PURE__ */ once(() =>
  z._default(
    z.coerce
      .number({ error: LIMIT_HINT })
      .check(z.int(LIMIT_HINT), z.gte(1, LIMIT_HINT), z.lte(200, LIMIT_HINT)),
    50,
  ),
);

/** The opaque `nextCursor` of the page before. */
export const pageCursor = /* @__PURE__ */ once(() => z.optional(z.string().check(z.minLength(1))));
