// The public edition's free text: the site withheld as in the consultation letter, every e-mail
// address and the names of the people involved replaced, wherever the text mentions them.
import { withoutSite } from '../consultation/letter.js';
import type { ProposalInput } from '../shared/model/proposal.js';

const WITHHELD_NAME = '[name withheld]';
const WITHHELD_ADDRESS = '[address withheld]';
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+/g;

/**
 * Free text for the public edition: the site's description and coordinates withheld (as in the
 * consultation letter), every e-mail address, and the names of the consultees, the approver and
 * the DPO, wherever the text happens to mention them.
 */
export function publicText(
  input: Pick<ProposalInput, 'site' | 'approver' | 'dpo' | 'consultees'>,
  consultees: readonly { name: string }[] = [],
): (text: string) => string {
  const names = [
    input.approver.name,
    ...(input.dpo ? [input.dpo.name] : []),
    ...input.consultees.map((c) => c.name),
    ...consultees.map((c) => c.name),
  ]
    .map((n) => n.trim())
    .filter((n) => n.length >= 3)
    .sort((a, b) => b.length - a.length);
  const namePattern =
    names.length > 0
      ? new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi')
      : null;
  return (text: string) => {
    let out = withoutSite(text, input.site).replace(EMAIL, WITHHELD_ADDRESS);
    if (namePattern) out = out.replace(namePattern, WITHHELD_NAME);
    return out;
  };
}
