// Step Functions adapter for the SendConsultation state: its Parameters carry only the proposal id.
// The invocation's time left bounds the slice one run sends (the state machine loops for the rest).
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { type SendConsultationResult, sendConsultation } from './send.js';

const SendConsultationEvent = z.object({ proposalId: z.string().check(z.minLength(1)) });

export const handler = middy<unknown, SendConsultationResult>(async (event: unknown, context: Context) =>
  sendConsultation(SendConsultationEvent.parse(event).proposalId, {
    ...(typeof context?.getRemainingTimeInMillis === 'function'
      ? { remainingMs: context.getRemainingTimeInMillis() }
      : {}),
  }),
);
