// The withdraw pages (managers): the confirm step, which asks why, and the post that withdraws.
// The reason is required here (issue 20): it goes to the consultees and the approver by mail.
import {
  REASON_MAX,
  REASON_MIN,
  WITHDRAWABLE,
  WithdrawalReason,
  withdrawProposal,
} from '../proposals/withdraw.js';
import { ValidationError } from '../shared/errors.js';
import { pathParameter } from '../shared/http.js';
import { getProposal, STATUS_LABELS } from '../shared/store/proposals.js';
import {
  layout,
  type PageRequest,
  page,
  readVerifiedForm,
  redirect,
  requireSession,
  type SignedInRequest,
} from './page.js';

const encode = (id: string) => encodeURIComponent(id);

/** GET /app/proposals/{id}/withdraw: the confirm step. */
export async function withdrawConfirmPage(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  return confirmPage(signedIn, pathParameter(request.event, 'id'), 200, '', null);
}

async function confirmPage(
  signedIn: SignedInRequest,
  id: string,
  status: number,
  reason: string,
  error: string | null,
) {
  const proposal = await getProposal(id);
  return page(status, 'app-withdraw', {
    ...layout(signedIn, ''),
    reference: proposal.reference,
    title: proposal.input.title,
    status: STATUS_LABELS[proposal.status],
    canWithdraw: WITHDRAWABLE.includes(proposal.status),
    action: `/app/proposals/${encode(proposal.proposalId)}/withdraw`,
    back: `/app/proposals/${encode(proposal.proposalId)}`,
    reason: { value: reason, error, min: REASON_MIN, max: REASON_MAX },
    hasErrors: error !== null,
  });
}

/** POST /app/proposals/{id}/withdraw: withdraws with the reason given, or shows what is missing. */
export async function withdrawFromForm(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  const form = await readVerifiedForm(signedIn);
  const id = pathParameter(request.event, 'id');
  if (form.get('confirm') !== 'yes') {
    throw new ValidationError([
      { path: 'confirm', message: 'Confirm the withdrawal on the confirmation page.' },
    ]);
  }
  // A textarea may carry line breaks: the reason is kept as one line.
  const typed = (form.get('reason') ?? '').replace(/\s*\r?\n\s*/g, ' ');
  if (typed.trim() === '') {
    return confirmPage(
      signedIn,
      id,
      400,
      typed,
      'Give the reason for withdrawing: it is sent to the consultees and the approver',
    );
  }
  const checked = WithdrawalReason.safeParse(typed);
  if (!checked.success) {
    return confirmPage(signedIn, id, 400, typed, reasonMessage(checked.error.issues[0]));
  }
  const withdrawn = await withdrawProposal(id, signedIn.session.sub, checked.data, request.now);
  return redirect(`/app/proposals/${encode(withdrawn.proposalId)}`);
}

/** The schema's length rules in the words of this form; its other messages (one line, no e-mail address) as they are. */
function reasonMessage(issue: { code: string; message: string } | undefined): string {
  if (issue?.code === 'too_small') return `Give the reason in at least ${REASON_MIN} characters`;
  if (issue?.code === 'too_big') return `Keep the reason to ${REASON_MAX} characters or fewer`;
  return issue?.message ?? 'Give the reason for withdrawing';
}
