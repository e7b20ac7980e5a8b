// A lifecycle execution failed or timed out (issue 15): a step still failed after its retries, so
// the execution stopped there (redrivable). An EventBridge rule on the execution's status change
// (infra/constructs/lifecycle.ts; the local Step Functions service raises the same event) runs this:
// the proposal says `failed`, with the step and the error in its timeline, and remembers the status
// to go back to when `dpia redrive` resumes it. A withdrawn or decided proposal keeps its status.
import * as z from 'zod/mini';
import { log } from '../shared/logger.js';
import { addTimelineEvent, changeStatus, findProposal } from '../shared/store/proposals.js';
import { failedStep } from '../shared/workflow.js';
import { RESUMABLE, type ResumableStatus } from './redrive.js';

/** The part of the EventBridge "Step Functions Execution Status Change" event this reads. */
const StatusChange = z.object({
  detail: z.object({
    executionArn: z.string().check(z.minLength(1)),
    name: z.string().check(z.minLength(1)),
    status: z.string(),
    input: z.optional(z.nullable(z.string())),
    error: z.optional(z.nullable(z.string())),
  }),
});

/** The proposal id: the execution's input says it; executions are also named after it. */
function proposalIdOf(detail: z.infer<typeof StatusChange>['detail']): string {
  try {
    const input = JSON.parse(detail.input ?? '{}') as { proposalId?: unknown };
    if (typeof input.proposalId === 'string' && input.proposalId !== '') return input.proposalId;
  } catch {
    // a truncated input: the name says the same
  }
  return detail.name;
}

export const handler = async (event: unknown) => {
  const { detail } = StatusChange.parse(event);
  if (detail.status !== 'FAILED' && detail.status !== 'TIMED_OUT') return { failed: false };
  const proposalId = proposalIdOf(detail);
  const proposal = await findProposal(proposalId);
  if (!proposal || !(RESUMABLE as readonly string[]).includes(proposal.status)) {
    log.warn('lifecycle failed after its proposal ended', { proposalId, status: detail.status });
    return { failed: false };
  }
  // The error's name only: a cause can quote the proposal (a validation message, an address).
  const error = detail.status === 'TIMED_OUT' ? 'States.Timeout' : (detail.error ?? 'Unknown');
  const step = await failedStep(detail.executionArn).catch(() => null);
  const failed = await changeStatus(proposalId, 'failed', [proposal.status], {
    failure: {
      step,
      error,
      at: new Date().toISOString(),
      resumeStatus: proposal.status as ResumableStatus,
    },
  });
  if (failed) {
    await addTimelineEvent(
      proposalId,
      'failed',
      `The lifecycle stopped${step ? ` at ${step}` : ''} on an error (${error}) after its retries; a manager can resume it there (dpia redrive).`,
    );
  }
  log.error('lifecycle failed', { proposalId, step, error });
  return { failed };
};
