import { adviceUrl, signAdvice } from '../dpo/link.js';
import { type AdviceRecord, findAdvice } from '../dpo/store.js';
import { getReviewLinkKey, publicBaseUrl } from '../review/link.js';
import { reviewRequestView } from '../review/request.js';
import { adviceKey } from '../shared/keys.js';
import { sendMail } from '../shared/mailer.js';
import { remindOnce } from '../shared/store/markers.js';
import { getProposal, type ProposalRecord } from '../shared/store/proposals.js';
import { renderMessage } from '../shared/templates.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import type { KindOutcome, ReminderRequest } from './kinds.js';

const reminded = (advice: AdviceRecord): KindOutcome['event'] => ({
  name: 'dpo-reminded',
  detail: `Reminder sent to the Data Protection Officer, ${advice.dpoName}; the advice link expires ${formatUkDateTime(advice.expiresAt)}.`,
});

/** Why this request takes no reminder now; undefined while the DPO may still advise through it. */
function closedReason(
  proposal: ProposalRecord,
  advice: AdviceRecord | undefined,
  now: Date,
): string | undefined {
  if (proposal.status !== 'awaiting-dpo-advice') return `proposal ${proposal.status}`;
  if (!advice || proposal.dpo?.adviceId !== advice.adviceId) return 'advice request superseded';
  if (advice.state !== 'open') return `advice ${advice.state}`;
  if (Date.parse(advice.expiresAt) <= now.getTime()) return 'advice link expired';
  if (advice.mailMarker !== 'sent') return 'advice link not sent';
  return undefined;
}

export async function remindDpo(request: ReminderRequest, now: Date): Promise<KindOutcome> {
  const adviceId = request.roundId;
  if (adviceId === null) return { reminded: 0, sent: 0, skipped: 'no advice request named', event: null };
  const [proposal, advice] = await Promise.all([getProposal(request.proposalId), findAdvice(adviceId)]);
  const closed = closedReason(proposal, advice, now);
  if (closed || !advice) return { reminded: 0, sent: 0, skipped: closed ?? 'no advice request', event: null };
  // Sent by an attempt that stopped before its timeline event: the event is still owed.
  if (advice.reminderMarker === 'sent') return { reminded: 1, sent: 0, event: reminded(advice) };
  const sent = await remindOnce(adviceKey(adviceId), now, async () => {
    const key = await getReviewLinkKey();
    const url = adviceUrl(publicBaseUrl(), adviceId, signAdvice(key, advice));
    const {
      reviewUrl: _unused,
      approverName: _name,
      ...summary
    } = reviewRequestView(proposal, { approverName: advice.dpoName, expiresAt: advice.expiresAt }, url);
    await sendMail(
      {
        to: advice.dpoEmail,
        ...renderMessage('dpo-request', {
          ...summary,
          dpoName: advice.dpoName,
          adviceUrl: url,
          reminder: true,
        }),
      },
      { proposalId: proposal.proposalId, kind: 'dpo-reminder' },
    );
  });
  if (!sent) return { reminded: 0, sent: 0, skipped: 'claimed by another attempt, or advised', event: null };
  return { reminded: 1, sent: 1, event: reminded(advice) };
}
