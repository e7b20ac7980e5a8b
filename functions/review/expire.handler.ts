// MarkApprovalExpired: the payload's task token is stored on the proposal, never returned or logged.
import * as z from 'zod';
import { markApprovalExpired } from './expire.js';

const MarkApprovalExpiredEvent = z.object({ proposalId: z.string().min(1), taskToken: z.string().min(1) });

export const handler = async (event: unknown) => markApprovalExpired(MarkApprovalExpiredEvent.parse(event));
