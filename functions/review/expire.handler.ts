// MarkApprovalExpired: the payload's task token is stored on the proposal, never returned or logged.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { markApprovalExpired } from './expire.js';

const MarkApprovalExpiredEvent = z.object({
  proposalId: z.string().check(z.minLength(1)),
  taskToken: z.string().check(z.minLength(1)),
});

export const handler = async (event: unknown) => markApprovalExpired(MarkApprovalExpiredEvent.parse(event));
