// Step Functions adapter for the CloseConsultation state: its Parameters carry only the proposal id.
import middy from '@middy/core';
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { type CloseConsultationResult, closeConsultation } from './close.js';

const CloseConsultationEvent = z.object({ proposalId: z.string().check(z.minLength(1)) });

export const handler = middy<unknown, CloseConsultationResult>(async (event: unknown) =>
  closeConsultation(CloseConsultationEvent.parse(event).proposalId),
);
