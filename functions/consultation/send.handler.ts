// Step Functions adapter for the SendConsultation state: its Parameters carry only the proposal id.
import middy from '@middy/core';
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { type SendConsultationResult, sendConsultation } from './send.js';

const SendConsultationEvent = z.object({ proposalId: z.string().check(z.minLength(1)) });

export const handler = middy<unknown, SendConsultationResult>(async (event: unknown) =>
  sendConsultation(SendConsultationEvent.parse(event).proposalId),
);
