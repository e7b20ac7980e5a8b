// The DPO's one reminder of their advice link (reminders/link.ts has the rules).
import { adviceUrl, signAdvice } from '../dpo/link.js';
import { adviceRequestView } from '../dpo/request.js';
import { type AdviceRecord, findAdvice } from '../dpo/store.js';
import { publicBaseUrl } from '../review/link.js';
import { adviceKey } from '../shared/keys.js';
import { sendMail } from '../shared/mailer.js';
import { renderMessage } from '../shared/templates.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import type { KindOutcome, ReminderRequest } from './kinds.js';
import { type LinkReminder, remindThroughLink } from './link.js';

const DPO: LinkReminder<AdviceRecord> = {
  round: 'advice request',
  link: 'advice link',
  used: 'advised',
  waiting: 'awaiting-dpo-advice',
  current: (proposal) => proposal.dpo?.adviceId,
  find: findAdvice,
  key: adviceKey,
  event: (advice) => ({
    name: 'dpo-reminded',
    detail: `Reminder sent to the Data Protection Officer, ${advice.dpoName}; the advice link expires ${formatUkDateTime(advice.expiresAt)}.`,
  }),
  mail: (proposal, advice, adviceId, signingKey) => {
    const url = adviceUrl(publicBaseUrl(), adviceId, signAdvice(signingKey, advice));
    return sendMail(
      {
        to: advice.dpoEmail,
        ...renderMessage('dpo-request', { ...adviceRequestView(proposal, advice, url), reminder: true }),
      },
      { proposalId: proposal.proposalId, kind: 'dpo-reminder' },
    );
  },
};

export const remindDpo = (request: ReminderRequest, now: Date): Promise<KindOutcome> =>
  remindThroughLink(DPO, request, now);
