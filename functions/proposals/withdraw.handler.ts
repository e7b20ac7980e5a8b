// POST /proposals/{id}/withdraw (manager): stop the lifecycle; any open review link answers 410.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { requireRole } from '../shared/auth.js';
import { dynamo } from '../shared/clients.js';
import { tableName } from '../shared/env.js';
import { ConflictError } from '../shared/errors.js';
import { httpHandler, json, pathParameter } from '../shared/http.js';
import { reviewKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import {
  addTimelineEvent,
  changeStatus,
  getProposal,
  type ProposalStatus,
} from '../shared/store/proposals.js';
import { stopLifecycle } from '../shared/workflow.js';

const WITHDRAWABLE: ProposalStatus[] = ['submitted', 'scoring', 'consulting', 'awaiting-approval', 'expired'];

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  const proposal = await getProposal(pathParameter(event, 'id'));
  if (!(await changeStatus(proposal.proposalId, 'withdrawn', WITHDRAWABLE))) {
    throw new ConflictError(
      `Proposal ${proposal.reference} is ${proposal.status} and can no longer be withdrawn.`,
    );
  }
  if (proposal.executionArn) await stopLifecycle(proposal.executionArn, `Withdrawn by ${caller.user}`);
  if (proposal.reviewId) await voidReview(proposal.reviewId);
  await addTimelineEvent(proposal.proposalId, 'withdrawn', `Withdrawn by ${caller.user}`);
  log.info('proposal withdrawn', { proposalId: proposal.proposalId, reference: proposal.reference });
  return json(200, { proposalId: proposal.proposalId, reference: proposal.reference, status: 'withdrawn' });
});

async function voidReview(reviewId: string): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: reviewKey(reviewId),
        UpdateExpression: 'SET #state = :void',
        ConditionExpression: '#state = :open',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':void': 'void', ':open': 'open' },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}
