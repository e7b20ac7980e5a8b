// RecordDpoSilence: after RequestDpoAdvice timed out.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { recordDpoSilence } from './silence.js';

const Event = z.object({ proposalId: z.string().check(z.minLength(1)) });

export const handler = async (event: unknown) => recordDpoSilence(Event.parse(event).proposalId);
