import type { Reply } from '../shared/model/consultation.js';
import { isCounted, STANCE_LABELS } from '../shared/model/stances.js';
import { formatUkDateTime } from '../shared/uk-dates.js';

import type { DpiaSources } from './sources.js';

type ConsulteeLabel = (email: string | null) => { name: string; organisation: string | null };

/** A comment in the full edition is summarised to this many characters. */
const SUMMARY_CHARS = 400;

export function consultationView(
  { proposal, consultees, replies, timeline }: DpiaSources,
  label: ConsulteeLabel,
  say: (text: string) => string,
  isPublic: boolean,
) {
  const c = proposal.consultation;
  const mailedAt = timeline
    .filter((t) => t.event.includes('mailed') || t.event.includes('consultation-sent'))
    .map((t) => t.at)
    .sort()[0];
  const responses = replies
    .filter((r) => r.kind === 'response')
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
    .map((r) => {
      const who = label(r.consulteeEmail);
      const accepted = Boolean((r as Reply & { acceptedBy?: string }).acceptedBy);
      const notes = [
        ...(r.late ? ['Late: not counted'] : []),
        ...(r.senderMismatch && !accepted ? ['From another address, not accepted: not counted'] : []),
        ...(r.senderMismatch && accepted ? ['From another address, accepted by a manager'] : []),
      ];
      return {
        ...who,
        stance: STANCE_LABELS[r.stance ?? 'unclassified'],
        receivedAt: formatUkDateTime(r.receivedAt),
        counted: isCounted(r) || (r.senderMismatch && accepted && !r.late),
        notes: notes.join('; '),
        // The public edition gives the stance only: a comment may name people or places.
        summary: isPublic ? null : summarise(say(r.comment)),
      };
    });
  return {
    deadline: formatUkDateTime(c.deadline),
    mailedAt: mailedAt ? formatUkDateTime(mailedAt) : null,
    closedAt: c.closedAt ? formatUkDateTime(c.closedAt) : null,
    figures: [
      { label: 'Consulted', value: String(consultees.length) },
      { label: 'Mailed', value: String(c.mailed) },
      { label: 'Responded in time', value: String(c.responded) },
      { label: 'Late (not counted)', value: String(c.late) },
      { label: 'Undeliverable', value: String(c.bounced) },
    ],
    tally: [
      { label: STANCE_LABELS.support, count: c.tally.support },
      { label: STANCE_LABELS.concerns, count: c.tally.concerns },
      { label: STANCE_LABELS.object, count: c.tally.object },
      { label: STANCE_LABELS.unclassified, count: c.tally.unclassified },
    ],
    consultees: [...consultees]
      .sort((a, b) => (label(a.email).name < label(b.email).name ? -1 : 1))
      .map((x) => ({
        ...label(x.email),
        email: isPublic ? null : x.email,
        status: x.status,
        stance: x.stance ? STANCE_LABELS[x.stance] : 'No response',
      })),
    responses,
    hasResponses: responses.length > 0,
    showSummaries: !isPublic,
  };
}

const summarise = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(no comment)';
  return flat.length > SUMMARY_CHARS ? `${flat.slice(0, SUMMARY_CHARS - 1).trimEnd()}…` : flat;
};
