// The one reminder of a signed link (the approver's review link, the DPO's advice link): sent while
// the proposal still waits on that very link and the link is open, in date and was mailed; claimed
// on the link's item first (shared/store/markers.ts), so no attempt sends it twice. approver.ts and
// dpo.ts say which link, and what the mail and the timeline event say.
import { getReviewLinkKey } from '../review/link.js';
import type { Key } from '../shared/keys.js';
import { remindOnce } from '../shared/store/markers.js';
import { getProposal, type ProposalRecord, type ProposalStatus } from '../shared/store/proposals.js';
import { isExpired } from '../shared/store/signed-links.js';
import type { KindOutcome, ReminderRequest } from './kinds.js';

/** What a reminder reads of the link's item. */
export interface LinkRound {
  state: string;
  expiresAt: string;
  mailMarker?: 'sending' | 'sent' | undefined;
  reminderMarker?: 'sending' | 'sent' | undefined;
}

export interface LinkReminder<R extends LinkRound> {
  /** How skip reasons name the round and its link ("review", "review link"), and what using it is. */
  round: string;
  link: string;
  used: string;
  /** The status in which the proposal waits on this kind of link, and the link it waits on now. */
  waiting: ProposalStatus;
  current: (proposal: ProposalRecord) => string | undefined | null;
  find: (id: string) => Promise<R | undefined>;
  key: (id: string) => Key;
  event: (round: R) => NonNullable<KindOutcome['event']>;
  /** Mails the reminder, with the link signed by `signingKey`. */
  mail: (proposal: ProposalRecord, round: R, id: string, signingKey: Uint8Array) => Promise<unknown>;
}

/** Why this round takes no reminder now; undefined while its person may still use the link. */
export function closedReason<R extends LinkRound>(
  kind: LinkReminder<R>,
  proposal: ProposalRecord,
  id: string,
  round: R | undefined,
  now: Date,
): string | undefined {
  if (proposal.status !== kind.waiting) return `proposal ${proposal.status}`;
  if (!round || kind.current(proposal) !== id) return `${kind.round} superseded`;
  if (round.state !== 'open') return `${kind.round} ${round.state}`;
  if (isExpired(round, now)) return `${kind.link} expired`;
  if (round.mailMarker !== 'sent') return `${kind.link} not sent`;
  return undefined;
}

export async function remindThroughLink<R extends LinkRound>(
  kind: LinkReminder<R>,
  request: ReminderRequest,
  now: Date,
): Promise<KindOutcome> {
  const id = request.roundId;
  if (id === null) return { reminded: 0, sent: 0, skipped: `no ${kind.round} named`, event: null };
  const [proposal, round] = await Promise.all([getProposal(request.proposalId), kind.find(id)]);
  const closed = closedReason(kind, proposal, id, round, now);
  if (closed || !round) return { reminded: 0, sent: 0, skipped: closed ?? `no ${kind.round}`, event: null };
  // Sent by an attempt that stopped before its timeline event: the event is still owed.
  if (round.reminderMarker === 'sent') return { reminded: 1, sent: 0, event: kind.event(round) };
  const sent = await remindOnce(kind.key(id), now, async () =>
    kind.mail(proposal, round, id, await getReviewLinkKey()),
  );
  if (!sent)
    return { reminded: 0, sent: 0, skipped: `claimed by another attempt, or ${kind.used}`, event: null };
  return { reminded: 1, sent: 1, event: kind.event(round) };
}
