// NotifyOutcome: "you said, we did" (SPEC §10). Every consultee who replied (counted, late, or from
// another address) hears the tally, the outcome, the rationale and any conditions: never the site
// (the restricted camera location).
// Each consultee is mailed at most once, guarded by a conditional marker on their item.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { withoutSite } from '../consultation/letter.js';
import { mapBounded } from '../shared/bounded.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { consulteeKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { sendMail } from '../shared/mailer.js';
import type { Tally } from '../shared/model/consultation.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import type { Outcome } from '../shared/model/outcome.js';
import { CAMERA_SHORT_NAMES } from '../shared/model/proposal-terms.js';
import { pacer, sendingRate } from '../shared/send-pace.js';
import { isConditionFailure } from '../shared/store/conditions.js';
import {
  addTimelineEvent,
  type ConsulteeRecord,
  getProposal,
  listConsultees,
  type ProposalRecord,
} from '../shared/store/proposals.js';
import { renderMessage } from '../shared/templates.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';
import { getDecision } from './store.js';

export interface NotifyOutcomeInput {
  proposalId: string;
  decisionId: string;
}

/** What templates/outcome/ is rendered with: an allow-list, so the site cannot reach it. */
export interface OutcomeMailView {
  reference: string;
  publicArea: string;
  camera: string;
  consulteeName: string;
  /** The consultee's own counted stance, as they said it. */
  yourStance: string | null;
  outcome: Outcome;
  outcomeLabel: string;
  approved: boolean;
  rationale: string;
  conditions: string | null;
  decidedAt: string;
  reviewDate: string | null;
  responded: number;
  tally: Tally;
}

/** Mails in flight at once: quick enough for 500 consultees, gentle on the SES sending rate. */
const CONCURRENCY = 8;

export async function notifyOutcome(
  input: NotifyOutcomeInput,
  now = new Date(),
): Promise<{ mailed: number }> {
  const decision = await getDecision(input.decisionId);
  if (decision.proposalId !== input.proposalId) {
    throw new Error(`Decision ${input.decisionId} is not the decision of proposal ${input.proposalId}.`);
  }
  // A system rejection (insufficient need) held no consultation: there is nobody to tell.
  if (decision.decidedBy === 'system' || decision.pressingNeed.band === 'insufficient') return { mailed: 0 };

  const proposal = await getProposal(input.proposalId);
  const replied = (await listConsultees(input.proposalId)).filter(hasReplied);
  let mailed = 0;
  // Paced under SES's MaxSendRate, as the consultation letters are (functions/shared/send-pace.ts).
  const pace = pacer(replied.length > 0 ? await sendingRate() : null);
  await mapBounded(replied, CONCURRENCY, async (consultee) => {
    if (await mailOutcome(proposal, decision, consultee, pace)) mailed += 1;
  });
  if (mailed > 0) {
    await addTimelineEvent(
      proposal.proposalId,
      'outcome-mailed',
      `The outcome was mailed to ${mailed} consultee${mailed === 1 ? '' : 's'} who replied.`,
      now,
    );
  }
  log.info('outcome notified', { proposalId: proposal.proposalId, reference: proposal.reference, mailed });
  return { mailed };
}

/**
 * A consultee who wrote back: a counted response, or one kept out of the tally as late or from
 * another address (the outcome still goes to the consultee's own address). An auto-reply or a
 * bounce is not a reply; a bounced address is not written to again.
 */
function hasReplied(c: ConsulteeRecord): boolean {
  if (c.status === 'bounced') return false;
  return c.status === 'responded' || c.late || c.senderMismatch;
}

/** Sends one consultee their outcome mail unless a previous run already did (or is doing) so. */
async function mailOutcome(
  proposal: ProposalRecord,
  decision: DecisionRecord,
  consultee: ConsulteeRecord,
  pace: () => Promise<void>,
): Promise<boolean> {
  if (!(await setMarker(proposal.proposalId, consultee.email, 'claim'))) return false;
  try {
    await pace();
    const message = renderMessage('outcome', outcomeView(proposal, decision, consultee));
    await sendMail({ to: consultee.email, ...message }, { proposalId: proposal.proposalId, kind: 'outcome' });
  } catch (error) {
    // Nothing went out: release the claim so the task's retry can send it.
    await setMarker(proposal.proposalId, consultee.email, 'release');
    throw error;
  }
  await setMarker(proposal.proposalId, consultee.email, 'sent');
  return true;
}

export function outcomeView(
  proposal: ProposalRecord,
  decision: DecisionRecord,
  consultee: Pick<ConsulteeRecord, 'name' | 'stance'>,
): OutcomeMailView {
  const { site } = proposal.input;
  return {
    reference: decision.reference,
    publicArea: proposal.input.publicArea,
    camera: CAMERA_SHORT_NAMES[proposal.input.cameraType],
    consulteeName: consultee.name,
    yourStance: consultee.stance,
    outcome: decision.outcome,
    outcomeLabel: decision.outcome === 'approved' ? 'approved' : 'rejected',
    approved: decision.outcome === 'approved',
    // The approver writes for the approver's page; should they quote the site, it is withheld here.
    rationale: withoutSite(decision.rationale, site),
    conditions: decision.conditions ? withoutSite(decision.conditions, site) : null,
    decidedAt: formatUkDateTime(decision.decidedAt),
    reviewDate: decision.reviewDate ? formatUkLongDate(decision.reviewDate) : null,
    responded: decision.consultation.responded,
    tally: { ...decision.consultation.tally },
  };
}

/** claim: only if never marked; sent: after the mail went out; release: undo a claim that sent nothing. */
async function setMarker(
  proposalId: string,
  email: string,
  step: 'claim' | 'sent' | 'release',
): Promise<boolean> {
  const updates = {
    claim: {
      UpdateExpression: 'SET #m = :sending',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#m)',
      ExpressionAttributeValues: { ':sending': 'sending' },
    },
    sent: {
      UpdateExpression: 'SET #m = :sent, #at = :at',
      ConditionExpression: '#m = :sending',
      ExpressionAttributeValues: { ':sending': 'sending', ':sent': 'sent', ':at': new Date().toISOString() },
    },
    release: {
      UpdateExpression: 'REMOVE #m',
      ConditionExpression: '#m = :sending',
      ExpressionAttributeValues: { ':sending': 'sending' },
    },
  }[step];
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: consulteeKey(proposalId, email),
        ExpressionAttributeNames: {
          '#m': 'outcomeMailed',
          ...(step === 'sent' ? { '#at': 'outcomeMailedAt' } : {}),
        },
        ...updates,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
