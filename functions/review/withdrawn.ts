// A signed link (the approver's review link, the DPO's advice link) of a withdrawn proposal: 410, and
// the page says so and why (issue 20). The reason is shown as the consultees were sent it, with the
// site withheld; who withdrew it is not shown.
import { withoutSite } from '../consultation/letter.js';
import { GoneError } from '../shared/errors.js';
import type { ProposalRecord } from '../shared/store/proposals.js';
import { formatUkDateTime } from '../shared/uk-dates.js';

export class ProposalWithdrawnError extends GoneError {
  readonly heading = 'This proposal was withdrawn';
}

export function withdrawnLink(proposal: ProposalRecord, link: 'review' | 'advice'): ProposalWithdrawnError {
  const w = proposal.withdrawal;
  const when = w ? ` on ${formatUkDateTime(w.at)} (UK time)` : '';
  const why = w?.reason
    ? ` The reason given: ${withoutSite(w.reason, proposal.input.site)}`
    : ' No reason was recorded.';
  const needed = link === 'review' ? 'no decision is needed' : 'no advice is needed';
  return new ProposalWithdrawnError(
    `${proposal.reference} was withdrawn by the DPIA team${when}, so ${needed} and this ${link} link no longer works.${why}`,
  );
}
