// RequestDpoAdvice (a .waitForTaskToken task): the payload carries the task token, which is kept on
// the advice item and never returned or logged.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { requestDpoAdvice } from './request.js';

const RequestDpoAdviceEvent = z.object({
  proposalId: z.string().check(z.minLength(1)),
  taskToken: z.string().check(z.minLength(1)),
});

export const handler = async (event: unknown) => requestDpoAdvice(RequestDpoAdviceEvent.parse(event));
