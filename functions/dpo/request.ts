// RequestDpoAdvice (a .waitForTaskToken task, SPEC 10): when the proposal names a DPO, opens an
// advice request that keeps the workflow's task token, and mails the DPO a signed link. A replay of
// the same task mails nobody twice; the DPO's silence is RecordDpoSilence's (silence.ts).
import { dpoTimeoutSecondsFromEnv } from '../consultation/close.js';
import { scheduleLinkReminder } from '../reminders/schedule.js';
import { getReviewLinkKey, publicBaseUrl } from '../review/link.js';
import { reviewRequestView } from '../review/request.js';
import { log } from '../shared/logger.js';
import { sendMail } from '../shared/mailer.js';
import {
  addTimelineEvent,
  getProposal,
  type ProposalRecord,
  updateProposal,
} from '../shared/store/proposals.js';
import { mailLinkOnce } from '../shared/store/signed-links.js';
import { renderMessage } from '../shared/templates.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import { adviceUrl, signAdvice } from './link.js';
import { ADVICE, type AdviceRecord, createAdvice, findAdvice, newAdviceId } from './store.js';

export interface RequestDpoAdviceInput {
  proposalId: string;
  taskToken: string;
}

export async function requestDpoAdvice(
  input: RequestDpoAdviceInput,
  now = new Date(),
): Promise<{ adviceId: string | null; mailed: boolean }> {
  const proposal = await getProposal(input.proposalId);
  const dpo = proposal.input.dpo;
  // A withdrawn or failed proposal is never reopened by a late task.
  if (!dpo || proposal.status !== 'awaiting-dpo-advice') {
    log.warn('dpo advice not requested', { proposalId: proposal.proposalId, status: proposal.status });
    return { adviceId: null, mailed: false };
  }
  let advice = proposal.dpo ? await findAdvice(proposal.dpo.adviceId) : undefined;
  if (!advice || advice.taskToken !== input.taskToken)
    advice = await openAdvice(proposal, input.taskToken, now);
  const open = advice;
  const mailed = await mailLinkOnce(
    ADVICE,
    { id: open.adviceId, ...open },
    {
      send: () => mailAdviceLink(proposal, open),
      recorded: () =>
        addTimelineEvent(
          proposal.proposalId,
          'dpo-advice-requested',
          `Advice requested from the Data Protection Officer, ${open.dpoName}; the link expires ${formatUkDateTime(open.expiresAt)}.`,
          now,
        ),
      // One reminder, approvalReminderHours after the link went out, unless the link expires first.
      remind: () => scheduleDpoReminder(open, now),
    },
  );
  if (mailed)
    log.info('dpo advice requested', { proposalId: proposal.proposalId, reference: proposal.reference });
  return { adviceId: open.adviceId, mailed };
}

/** The DPO's request mail, with the advice request's signed link. */
async function mailAdviceLink(proposal: ProposalRecord, advice: AdviceRecord) {
  const url = adviceUrl(publicBaseUrl(), advice.adviceId, signAdvice(await getReviewLinkKey(), advice));
  return sendMail(
    { to: advice.dpoEmail, ...renderMessage('dpo-request', adviceRequestView(proposal, advice, url)) },
    { proposalId: proposal.proposalId, kind: 'dpo-advice-request' },
  );
}

/** As for reviews: the proposal points at the advice item before it exists, so a crash leaves no orphan. */
async function openAdvice(proposal: ProposalRecord, taskToken: string, now: Date): Promise<AdviceRecord> {
  const dpo = proposal.input.dpo;
  if (!dpo) throw new Error(`Proposal ${proposal.proposalId} names no DPO`);
  const adviceId = newAdviceId();
  const expiresAt = new Date(now.getTime() + dpoTimeoutSecondsFromEnv() * 1000).toISOString();
  await updateProposal(proposal.proposalId, {
    dpo: { adviceId, dpoName: dpo.name, requestedAt: now.toISOString(), expiresAt, status: 'requested' },
  });
  return createAdvice({
    adviceId,
    proposalId: proposal.proposalId,
    dpoEmail: dpo.email,
    dpoName: dpo.name,
    expiresAt,
    taskToken,
    createdAt: now.toISOString(),
  });
}

const scheduleDpoReminder = (advice: AdviceRecord, now: Date) =>
  scheduleLinkReminder(
    'dpo',
    {
      proposalId: advice.proposalId,
      roundId: advice.adviceId,
      openedAt: advice.createdAt,
      expiresAt: advice.expiresAt,
    },
    now,
  );

/** What templates/dpo-request/ is rendered with: the approver's summary, addressed to the DPO. */
export function adviceRequestView(
  proposal: ProposalRecord,
  advice: Pick<AdviceRecord, 'dpoName' | 'expiresAt'>,
  url: string,
) {
  const {
    reviewUrl: _unused,
    approverName: _name,
    ...summary
  } = reviewRequestView(proposal, { approverName: advice.dpoName, expiresAt: advice.expiresAt }, url);
  return { ...summary, dpoName: advice.dpoName, adviceUrl: url };
}
