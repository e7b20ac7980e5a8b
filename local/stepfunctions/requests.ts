// What every API action of the local Step Functions needs from a request: required fields, pages
// (`maxResults`, `nextToken`) and generated names.
import { randomBytes } from 'node:crypto';
import type { JsonObject } from './definition.js';
import { SfnError } from './errors.js';

export function requireString(req: JsonObject, field: string): string {
  const value = req[field];
  if (typeof value !== 'string' || value === '') {
    throw new SfnError('ValidationException', `1 validation error detected: '${field}' must not be null`);
  }
  return value;
}

export function page<T>(all: T[], req: JsonObject, defaultSize = 100): { items: T[]; nextToken?: string } {
  const size =
    typeof req.maxResults === 'number' && req.maxResults > 0 ? Math.min(req.maxResults, 1000) : defaultSize;
  const start =
    typeof req.nextToken === 'string' ? Number(Buffer.from(req.nextToken, 'base64url').toString()) || 0 : 0;
  const items = all.slice(start, start + size);
  const next =
    start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return next ? { items, nextToken: next } : { items };
}

/** A random name or id (execution names when none is given, request ids). */
export const cryptoName = (): string => randomBytes(16).toString('hex');
