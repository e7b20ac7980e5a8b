// The e-mail address field: zod's e-mail format, at most 254 characters (RFC 5321's limit for a
// path). Apart from fields.ts so that a function that parses no address does not build it.
import * as z from 'zod/mini';
import './zod-messages.js';
import { unlessMissing } from './fields.js';

export const EmailAddress = z
  .email({ error: unlessMissing('Invalid email address') })
  .check(z.maxLength(254, 'An e-mail address has at most 254 characters'));
