// NotifyOutcome: "you said, we did" (SPEC §10). Every consultee who replied (counted, late, or from
// another address) hears the tally, the outcome, the rationale and any conditions: never the site
// (the restricted camera location).
// Each consultee is claimed (`outcomeMailed` "sending", with `outcomeClaimedAt`) before their mail
// goes and marked "sent" after, as the consultation letters are (functions/consultation/claims.ts):
// a claim whose send was never confirmed (the Lambda was killed between claim and mark) is stale
// after the same lease and a later run takes it again, so nobody who replied goes untold; a second
// mail is possible only when the crash fell between SES accepting it and the mark.
// One run mails a bounded slice, paced under SES's MaxSendRate, within its invocation's time; the
// state machine runs it again (AllNotified, WaitToNotify) until everyone is told.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterSlice, claimLeaseMs } from '../consultation/claims.js';
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
import { conditionHeld } from '../shared/store/conditions.js';
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

/** A run mails for about this long at most; the next run (a state-machine loop) goes on. */
export const NOTIFY_SLICE_SECONDS = 60;

/** Of the invocation's time, what a run leaves for its last sends, marks and timeline event. */
const RESERVE_MS = 20_000;

/** What a run plans with when SES gives no rate: about what 8 lanes manage. */
const UNPACED_RATE = 100;

export interface NotifyOutcomeResult {
  /** Mailed by this run. */
  mailed: number;
  /** Everyone who replied has been told (or there is nobody to tell). */
  done: boolean;
  /** Before the next run: while a crashed run's claims go stale (0: run again now). */
  waitSeconds: number;
}

/** A consultee item as this task sees it: the outcome claim is its own field. */
type NotifiedConsultee = ConsulteeRecord & {
  outcomeMailed?: 'sending' | 'sent' | null;
  outcomeClaimedAt?: number;
};

const outcomeClaimedAt = (c: NotifiedConsultee): number =>
  typeof c.outcomeClaimedAt === 'number' ? c.outcomeClaimedAt : 0;

export async function notifyOutcome(
  input: NotifyOutcomeInput,
  options: { now?: Date; remainingMs?: number } = {},
): Promise<NotifyOutcomeResult> {
  const decision = await getDecision(input.decisionId);
  if (decision.proposalId !== input.proposalId) {
    throw new Error(`Decision ${input.decisionId} is not the decision of proposal ${input.proposalId}.`);
  }
  // A system rejection (insufficient need) held no consultation: there is nobody to tell.
  if (decision.decidedBy === 'system' || decision.pressingNeed.band === 'insufficient') {
    return { mailed: 0, done: true, waitSeconds: 0 };
  }

  const proposal = await getProposal(input.proposalId);
  const replied = ((await listConsultees(input.proposalId)) as NotifiedConsultee[]).filter(hasReplied);
  const leaseMs = claimLeaseMs();
  const staleBefore = Date.now() - leaseMs;
  const held = (c: NotifiedConsultee) => c.outcomeMailed === 'sending' && outcomeClaimedAt(c) >= staleBefore;
  const untold = replied.filter((c) => !c.outcomeMailed || (c.outcomeMailed === 'sending' && !held(c)));
  const heldByOthers = replied.filter(held);
  const told = replied.filter((c) => c.outcomeMailed === 'sent').length;

  // Paced under SES's MaxSendRate, as the consultation letters are (functions/shared/send-pace.ts),
  // and no more than the invocation's time allows.
  const quotaRate = untold.length > 0 ? await sendingRate() : null;
  const budgetMs = Math.max(
    1000,
    Math.min(NOTIFY_SLICE_SECONDS * 1000, (options.remainingMs ?? Infinity) - RESERVE_MS),
  );
  const slice = untold.slice(0, Math.max(1, Math.floor(((quotaRate ?? UNPACED_RATE) * budgetMs) / 1000)));
  const pace = pacer(quotaRate);
  let mailed = 0;
  let takenByOthers = 0;
  await mapBounded(slice, CONCURRENCY, async (consultee) => {
    if (await mailOutcome(proposal, decision, consultee, pace, staleBefore)) mailed += 1;
    else takenByOthers += 1;
  });

  const next = afterSlice(
    untold.length - slice.length,
    heldByOthers.map(outcomeClaimedAt),
    takenByOthers,
    leaseMs,
  );
  if (next.done && mailed > 0) {
    const total = told + mailed;
    await addTimelineEvent(
      proposal.proposalId,
      'outcome-mailed',
      `The outcome was mailed to ${total} consultee${total === 1 ? '' : 's'} who replied.`,
      options.now ?? new Date(),
    );
  }
  log.info('outcome notified', {
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    mailed,
    done: next.done,
  });
  return { mailed, ...next };
}

/**
 * A consultee who wrote back: a counted response, or one kept out of the tally as late or from
 * another address (the outcome still goes to the consultee's own address). An auto-reply or a
 * bounce is not a reply; a bounced address is not written to again.
 */
function hasReplied(c: NotifiedConsultee): boolean {
  if (c.status === 'bounced') return false;
  return c.status === 'responded' || c.late || c.senderMismatch;
}

/**
 * Sends one consultee their outcome mail unless another run already did, or holds a claim taken
 * since `staleBefore`.
 */
async function mailOutcome(
  proposal: ProposalRecord,
  decision: DecisionRecord,
  consultee: ConsulteeRecord,
  pace: () => Promise<void>,
  staleBefore: number,
): Promise<boolean> {
  if (!(await setMarker(proposal.proposalId, consultee.email, 'claim', staleBefore))) return false;
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

/**
 * claim: if never marked, or claimed before `staleBefore` and never confirmed; sent: after the mail
 * went out; release: undo a claim that sent nothing.
 */
async function setMarker(
  proposalId: string,
  email: string,
  step: 'claim' | 'sent' | 'release',
  staleBefore = 0,
): Promise<boolean> {
  const updates = {
    claim: {
      UpdateExpression: 'SET #m = :sending, #claimedAt = :now',
      ConditionExpression:
        'attribute_exists(PK) AND (attribute_not_exists(#m) OR ' +
        '(#m = :sending AND (attribute_not_exists(#claimedAt) OR #claimedAt < :stale)))',
      ExpressionAttributeValues: { ':sending': 'sending', ':now': Date.now(), ':stale': staleBefore },
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
  return conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: consulteeKey(proposalId, email),
        ExpressionAttributeNames: {
          '#m': 'outcomeMailed',
          ...(step === 'claim' ? { '#claimedAt': 'outcomeClaimedAt' } : {}),
          ...(step === 'sent' ? { '#at': 'outcomeMailedAt' } : {}),
        },
        ...updates,
      }),
    ),
  );
}
