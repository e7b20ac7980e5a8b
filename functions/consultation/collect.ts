// CollectResponses: the workflow waits in this state (.waitForTaskToken) until the deadline or an
// early close. The task token stays in the back end: it is kept on the proposal, where the inbound
// mail handler finds it when the last consultee's counted response comes in.
import { log } from '../shared/logger.js';
import { updateProposal } from '../shared/store/proposals.js';
import { completeTask } from '../shared/workflow.js';
import type { CollectResponsesInput } from './collect-input.js';
import { everyoneHasResponded } from './summary.js';

// The state's input schema is in collect-input.ts: the inbound mail handler closes a collection
// through this module and should not build it.
export { CollectResponsesInput } from './collect-input.js';

/** What CollectResponses hands on when it closes before the deadline. */
export const EARLY_CLOSE_OUTPUT = { closedEarly: true } as const;

/**
 * Ends the CollectResponses wait before the deadline. Both this Lambda and the inbound mail handler
 * may call it for the same token; whichever comes second finds the task closed, which is fine.
 * Returns whether this call was the one that closed it.
 */
export async function closeCollectionEarly(proposalId: string, taskToken: string): Promise<boolean> {
  const closed = await completeTask(taskToken, EARLY_CLOSE_OUTPUT);
  log.info(closed ? 'consultation closed early' : 'consultation already closed', { proposalId });
  return closed;
}

/**
 * Stores the task token, then closes at once if every consultee has already answered (their last
 * reply came before the token was stored, so the inbound handler could not send it). Safe to run
 * again: the token is overwritten with the same or a newer one, and a second close is harmless.
 */
export async function collectResponses(input: CollectResponsesInput): Promise<{ stored: true }> {
  await updateProposal(input.proposalId, { collectTaskToken: input.taskToken });
  if (await everyoneHasResponded(input.proposalId)) {
    await closeCollectionEarly(input.proposalId, input.taskToken);
  } else {
    log.info('collecting responses', { proposalId: input.proposalId });
  }
  return { stored: true };
}
