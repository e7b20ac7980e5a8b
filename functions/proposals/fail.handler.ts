// RecordFailure state: a step failed for good; the proposal says so (a withdrawn or decided
// proposal keeps its status).
import { log } from '../shared/logger.js';
import { addTimelineEvent, changeStatus } from '../shared/store/proposals.js';

interface FailureEvent {
  proposalId: string;
  failure?: { Error?: string; Cause?: string };
}

export const handler = async (event: FailureEvent) => {
  const error = event.failure?.Error ?? 'Unknown';
  const failed = await changeStatus(event.proposalId, 'failed', [
    'submitted',
    'scoring',
    'consulting',
    'awaiting-dpo-advice',
    'awaiting-approval',
    'expired',
  ]);
  if (failed)
    await addTimelineEvent(event.proposalId, 'failed', `The lifecycle stopped on an error (${error})`);
  log.error('lifecycle failed', { proposalId: event.proposalId, error });
  return { failed };
};
