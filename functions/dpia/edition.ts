// The edition a reader asks for (`?edition=public`): its own module, so that the signed links, which
// always show the full edition, do not bundle the query's schema (issue 17).
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { ValidationError } from '../shared/errors.js';
import { EDITIONS, type Edition } from './sources.js';

const EditionQuery = z.optional(z.enum(EDITIONS, { error: 'edition must be full or public.' }));

/** `?edition=public` for the public edition; the full one otherwise. 400 for anything else. */
export function parseEdition(query: Record<string, string | undefined> | undefined): Edition {
  const parsed = EditionQuery.safeParse(query?.edition);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, ['edition']);
  return parsed.data ?? 'full';
}
