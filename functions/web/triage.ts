// Issue 16 and issue 20 (triage) on the manager's proposal page: each consultee row says why its
// stance was read as it was; a manager sets the stance of an unclassified reply (or corrects any
// other) with a reason, and sees a reply from another address (sender, comment, stance read)
// with an Accept button. The forms call the same use cases as the JSON API.
import type { proposalDetail } from '../proposals/detail.js';
import { acceptReply } from '../replies/accept.js';
import { AcceptInput, ReclassifyInput, reclassifyReply, TRIAGE_STATUSES } from '../replies/reclassify.js';
import { ValidationError } from '../shared/errors.js';
import { pathParameter } from '../shared/http.js';
import { STANCE_LABELS, STANCES } from '../shared/model/stances.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import { type PageRequest, readVerifiedForm, redirect, requireSession } from './page.js';

type Detail = Awaited<ReturnType<typeof proposalDetail>>;
type Stance = (typeof STANCES)[number];

const encode = (id: string) => encodeURIComponent(id);
const label = (stance: Stance | null | undefined) => (stance ? STANCE_LABELS[stance] : null);

/** The triage part of each consultee row; `canTriage` when a manager may still change replies. */
export function triageRows(detail: Detail, canTriage: boolean) {
  const base = `/app/proposals/${encode(detail.proposalId)}/replies`;
  const options = (current: Stance | null) =>
    STANCES.map((value) => ({ value, label: STANCE_LABELS[value], selected: value === current }));
  return detail.consultation.consultees.map((c, index) => {
    const held = c.heldReply;
    const counted = c.replyId && c.status === 'responded' ? c.replyId : null;
    return {
      stanceReason: c.stanceReason,
      readStance: c.readStance ? label(c.readStance) : null,
      // An unclassified reply asks for a decision; any other counted one can still be corrected.
      needsStance: canTriage && counted !== null && c.stance === 'unclassified',
      stanceForm:
        canTriage && counted
          ? {
              action: `${base}/${encode(counted)}/stance`,
              id: `stance-${index}`,
              options: options(c.stance),
            }
          : null,
      held: held
        ? {
            from: held.from,
            received: formatUkDateTime(held.receivedAt),
            stance: label(held.stance),
            stanceReason: held.stanceReason,
            comment: held.comment,
            authFailed: held.authFailed,
            acceptAction: canTriage ? `${base}/${encode(held.replyId)}/accept` : null,
            stanceForm: canTriage
              ? {
                  action: `${base}/${encode(held.replyId)}/stance`,
                  id: `held-stance-${index}`,
                  options: options(held.stance),
                }
              : null,
            id: `held-${index}`,
          }
        : null,
    };
  });
}

export const mayTriage = (role: string, status: Detail['status']): boolean =>
  role === 'manager' && TRIAGE_STATUSES.includes(status);

/** POST /app/proposals/{id}/replies/{replyId}/stance: set or correct a reply's stance. */
export async function reclassifyFromForm(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  const form = await readVerifiedForm(signedIn);
  const parsed = ReclassifyInput.safeParse({
    stance: form.get('stance') ?? undefined,
    reason: form.get('reason') ?? undefined,
  });
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const id = pathParameter(request.event, 'id');
  await reclassifyReply(
    id,
    pathParameter(request.event, 'replyId'),
    parsed.data,
    signedIn.session.sub,
    request.now,
  );
  return redirect(`/app/proposals/${encode(id)}#consultees`);
}

/** POST /app/proposals/{id}/replies/{replyId}/accept: count a reply from another address. */
export async function acceptFromForm(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  const form = await readVerifiedForm(signedIn);
  // A reason is required on the page (the API keeps it optional for older clients).
  const parsed = AcceptInput.safeParse({ reason: form.get('reason') ?? '' });
  if (!parsed.success || !parsed.data.reason) {
    throw parsed.success
      ? new ValidationError([{ path: 'reason', message: 'Give a reason of at least 5 characters.' }])
      : ValidationError.fromZod(parsed.error);
  }
  const id = pathParameter(request.event, 'id');
  await acceptReply(
    id,
    pathParameter(request.event, 'replyId'),
    signedIn.session.sub,
    request.now,
    parsed.data.reason,
  );
  return redirect(`/app/proposals/${encode(id)}#consultees`);
}
