// ISO date and date-time strings, built exactly as `z.iso.date()` and `z.iso.datetime()` build them.
// `z.iso` is a namespace object, so a bundle that touches it keeps all four ISO schemas (about 1 KiB
// more, which took the review bundle over 60 KiB).
import { ZodMiniISODate, ZodMiniISODateTime } from 'zod/mini';
import { _isoDate, _isoDateTime, type $ZodISODateParams, type $ZodISODateTimeParams } from 'zod/v4/core';

export const isoDate = (params?: string | $ZodISODateParams) => _isoDate(ZodMiniISODate, params);
export const isoDateTime = (params?: string | $ZodISODateTimeParams) =>
  _isoDateTime(ZodMiniISODateTime, params);
