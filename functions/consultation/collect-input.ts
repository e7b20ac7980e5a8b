// CollectResponses' input from the state machine: the proposal and the task token to keep.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';

export const CollectResponsesInput = z.object({
  proposalId: z.string().check(z.minLength(1)),
  taskToken: z.string().check(z.minLength(1)),
});
export type CollectResponsesInput = z.infer<typeof CollectResponsesInput>;
