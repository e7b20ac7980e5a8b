// RequestApproval (a .waitForTaskToken task): the payload carries the task token, which is kept
// on the review item and never returned or logged.
import * as z from 'zod';
import { requestApproval } from './request.js';

const RequestApprovalEvent = z.object({ proposalId: z.string().min(1), taskToken: z.string().min(1) });

export const handler = async (event: unknown) => requestApproval(RequestApprovalEvent.parse(event));
