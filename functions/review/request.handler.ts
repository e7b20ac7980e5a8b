// RequestApproval (a .waitForTaskToken task): the payload carries the task token, which is kept
// on the review item and never returned or logged.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { requestApproval } from './request.js';

const RequestApprovalEvent = z.object({
  proposalId: z.string().check(z.minLength(1)),
  taskToken: z.string().check(z.minLength(1)),
});

export const handler = async (event: unknown) => requestApproval(RequestApprovalEvent.parse(event));
