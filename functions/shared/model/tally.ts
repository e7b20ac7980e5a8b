// The consultation's count of counted replies by stance (SPEC §7).
import * as z from 'zod/mini';
import './zod-messages.js';

export const Tally = z.strictObject({
  support: z.number().check(z.int(), z.gte(0)),
  concerns: z.number().check(z.int(), z.gte(0)),
  object: z.number().check(z.int(), z.gte(0)),
  unclassified: z.number().check(z.int(), z.gte(0)),
});
export type Tally = z.infer<typeof Tally>;
