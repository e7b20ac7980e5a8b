// The CloseConsultation task: runs when every consultee has a counted response (early close) or
// when CollectResponses times out at the deadline. It freezes the consultation and hands the
// proposal to the approver; the returned timeout is RequestApproval's TimeoutSecondsPath.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { ConfigurationError } from '../shared/errors.js';
import { proposalKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { addTimelineEvent, changeStatus, getProposal } from '../shared/store/proposals.js';
import { rebuildConsultationCounts } from './summary.js';

/** Days the approver has before the proposal expires (SPEC §10), unless the deployment says otherwise. */
export const APPROVAL_TIMEOUT_ENV = 'DPIA_APPROVAL_TIMEOUT_DAYS';
export const DEFAULT_APPROVAL_TIMEOUT_DAYS = 14;

export interface CloseConsultationResult {
  approvalTimeoutSeconds: number;
}

export async function closeConsultation(proposalId: string): Promise<CloseConsultationResult> {
  // Read first, so a bad setting fails the task before anything changes and a retry can succeed.
  const approvalTimeoutSeconds = approvalTimeoutSecondsFromEnv();
  const proposal = await getProposal(proposalId);
  if (proposal.status !== 'consulting' && proposal.status !== 'awaiting-approval') {
    log.info('consultation not closed', {
      proposalId,
      reference: proposal.reference,
      status: proposal.status,
    });
    return { approvalTimeoutSeconds };
  }

  // A retry keeps the first closing time: it is when collection really stopped.
  const closedAt = proposal.consultation.closedAt ?? new Date().toISOString();
  await markClosed(proposalId, closedAt);
  // A fresh count from every consultee and reply: what the approver and the decision record read.
  const summary = await rebuildConsultationCounts(proposalId);

  if (await changeStatus(proposalId, 'awaiting-approval', ['consulting'])) {
    const early = Date.parse(closedAt) < Date.parse(proposal.input.responseDeadline);
    await addTimelineEvent(
      proposalId,
      'consultation-closed',
      `${early ? 'Closed early, before the deadline' : 'Closed at the deadline'}: ` +
        `${summary.responded} of ${summary.mailed} mailed consultees responded` +
        (summary.late > 0 ? ` (${summary.late} late)` : ''),
    );
  }
  log.info('consultation closed', {
    proposalId,
    reference: proposal.reference,
    responded: summary.responded,
    mailed: summary.mailed,
  });
  return { approvalTimeoutSeconds };
}

/**
 * Drops the collection token and sets only `consultation.closedAt`: the counts beside it are
 * moved by replies at any moment, so the map is never written back whole.
 */
async function markClosed(proposalId: string, closedAt: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: proposalKey(proposalId),
      UpdateExpression: 'SET #token = :null, #c.#closedAt = :closedAt, #updatedAt = :now',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: {
        '#token': 'collectTaskToken',
        '#c': 'consultation',
        '#closedAt': 'closedAt',
        '#updatedAt': 'updatedAt',
      },
      ExpressionAttributeValues: { ':null': null, ':closedAt': closedAt, ':now': new Date().toISOString() },
    }),
  );
}

/** Fractions of a day are allowed, so a test can watch an approval expire within seconds. */
export function approvalTimeoutSecondsFromEnv(): number {
  const configured = process.env[APPROVAL_TIMEOUT_ENV]?.trim();
  const days = configured ? Number(configured) : DEFAULT_APPROVAL_TIMEOUT_DAYS;
  if (!Number.isFinite(days) || days <= 0) {
    throw new ConfigurationError(
      `${APPROVAL_TIMEOUT_ENV} must be a positive number of days (got "${configured}"); unset it for the default of ${DEFAULT_APPROVAL_TIMEOUT_DAYS}.`,
    );
  }
  return Math.max(1, Math.round(days * 24 * 60 * 60));
}
