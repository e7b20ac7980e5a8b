// The mail that tells people a proposal was withdrawn (issue 20): each consultee who was sent the
// consultation, the approver, and the DPO when advice was asked for. Never the site: the reason is
// passed through the same filter as the outcome mail. Each recipient is mailed at most once, guarded
// by a conditional marker (functions/shared/store/markers.ts).
import { withoutSite } from '../consultation/letter.js';
import { mapBounded } from '../shared/bounded.js';
import { consulteeKey, type Key, proposalKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { sendMail } from '../shared/mailer.js';
import { CAMERA_SHORT_NAMES } from '../shared/model/proposal-terms.js';
import { claimMarker, settleMarker } from '../shared/store/markers.js';
import { addTimelineEvent, listConsultees, type ProposalRecord } from '../shared/store/proposals.js';
import { renderMessage } from '../shared/templates.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import type { Withdrawal } from './withdraw.js';

/** What templates/withdrawal/ is rendered with: an allow-list, so the site cannot reach it. */
export interface WithdrawalMailView {
  reference: string;
  camera: string;
  publicArea: string;
  recipientName: string;
  consultee: boolean;
  /** The approver or the DPO holds a link that no longer works. */
  holdsLink: boolean;
  linkName: string;
  withdrawnAt: string;
  reason: string | null;
}

/** Mails in flight at once, as for the outcome mail. */
const CONCURRENCY = 8;

interface Recipient {
  name: string;
  email: string;
  key: Key;
  marker: string;
  role: 'consultee' | 'approver' | 'dpo';
  /** The signed link the recipient was sent, if any. */
  link: 'review' | 'advice' | null;
}

/** Sends each recipient their mail unless already sent; returns how many went out now. */
export async function mailWithdrawal(proposal: ProposalRecord, withdrawal: Withdrawal): Promise<number> {
  const { input } = proposal;
  const consultees = (await listConsultees(proposal.proposalId)).filter(
    (c) => c.mailMarker === 'sent' && c.status !== 'bounced',
  );
  const recipients: Recipient[] = [
    ...consultees.map((c) => ({
      name: c.name,
      email: c.email,
      key: consulteeKey(proposal.proposalId, c.email),
      marker: 'withdrawalMail',
      role: 'consultee' as const,
      link: null,
    })),
    {
      name: input.approver.name,
      email: input.approver.email,
      key: proposalKey(proposal.proposalId),
      marker: 'approverWithdrawalMail',
      role: 'approver' as const,
      link: proposal.reviewId ? ('review' as const) : null,
    },
    ...(proposal.dpo && input.dpo
      ? [
          {
            name: input.dpo.name,
            email: input.dpo.email,
            key: proposalKey(proposal.proposalId),
            marker: 'dpoWithdrawalMail',
            role: 'dpo' as const,
            link: 'advice' as const,
          },
        ]
      : []),
  ];
  let mailed = 0;
  let failed = 0;
  await mapBounded(recipients, CONCURRENCY, async (recipient) => {
    if (!(await claimMarker(recipient.key, recipient.marker))) return;
    let sent = false;
    try {
      const message = renderMessage('withdrawal', withdrawalView(proposal, withdrawal, recipient));
      await sendMail(
        { to: recipient.email, ...message },
        { proposalId: proposal.proposalId, kind: 'withdrawal' },
      );
      sent = true;
      mailed += 1;
    } catch (error) {
      // The withdrawal stands whatever the mail does: one refused address stops nobody else's mail.
      failed += 1;
      log.warn('withdrawal mail not sent', {
        proposalId: proposal.proposalId,
        role: recipient.role,
        error: (error as Error).name,
      });
    } finally {
      await settleMarker(recipient.key, recipient.marker, sent);
    }
  });
  if (mailed + failed > 0) {
    await addTimelineEvent(
      proposal.proposalId,
      'withdrawal-mailed',
      `Told of the withdrawal by mail: ${count(mailed, 'person', 'people')}${failed > 0 ? `; ${failed} could not be mailed` : ''}.`,
    );
  }
  log.info('withdrawal mailed', {
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    mailed,
    failed,
  });
  return mailed;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function withdrawalView(
  proposal: ProposalRecord,
  withdrawal: Withdrawal,
  recipient: Pick<Recipient, 'name' | 'role' | 'link'>,
): WithdrawalMailView {
  const { input } = proposal;
  return {
    reference: proposal.reference,
    camera: CAMERA_SHORT_NAMES[input.cameraType],
    publicArea: input.publicArea,
    recipientName: recipient.name,
    consultee: recipient.role === 'consultee',
    holdsLink: recipient.link !== null,
    linkName: recipient.link === 'advice' ? 'advice' : 'review',
    withdrawnAt: formatUkDateTime(withdrawal.at),
    reason: withdrawal.reason ? withoutSite(withdrawal.reason, input.site) : null,
  };
}
