import '../shared/model/zod-messages.js';
import { type CountedConsultee, updateCountedConsultee } from '../consultation/summary.js';
import type { ParsedReply } from './parse.js';

/**
 * A delivery report concerns this consultee when it names their address among the failed ones, or
 * names no address at all (it came back through their reply token).
 */
export function isBounceOf(parsed: ParsedReply, email: string): boolean {
  const bounce = parsed.bounce;
  if (!bounce?.failed) return false;
  return bounce.failedRecipients.length === 0 || bounce.failedRecipients.includes(email.toLowerCase());
}

/** A daemon mailbox: the senders real delivery reports come from (as parse.ts's DAEMON_SENDER). */
const MAIL_SYSTEM_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|mdaemon)@/i;

/**
 * Whether a delivery report came from the mail system: its envelope sender is the null
 * reverse-path (RFC 5321 4.5.5 requires it of every DSN) or a daemon mailbox, and its From is not
 * the consultee's own address. A consultee's mail client sends with their address on both.
 */
export function fromMailSystem(envelopeSender: string, from: string, consulteeEmail: string): boolean {
  const sender = envelopeSender.trim().replace(/^<|>$/g, '');
  const nullSender = sender === '' || MAIL_SYSTEM_SENDER.test(sender);
  return nullSender && from.trim().toLowerCase() !== consulteeEmail.toLowerCase();
}

/**
 * Marks the consultee bounced, unless they have a counted response (which proves the mail arrived).
 * Returns the consultee as this write left it, undefined when nothing changed.
 */
export const markBounced = (proposalId: string, email: string): Promise<CountedConsultee | undefined> =>
  updateCountedConsultee(proposalId, email, {
    set: '#status = :bounced',
    condition: 'attribute_exists(PK) AND #status <> :responded',
    names: { '#status': 'status' },
    values: { ':bounced': 'bounced', ':responded': 'responded' },
  });
