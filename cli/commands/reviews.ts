// dpia reviews start / digest (issue 14): open the review of an approved installation as a new
// proposal pre-filled from it, and send the monthly reviews digest on the local stack by running
// the very handler the scheduled rule invokes on AWS.
import { resolveLocalConfig, sdkEnvironment, serviceUrl } from '../../local/config.js';
import { isConnectionFailure, StackUnreachableError } from '../../local/errors.js';
import { type ApiOptions, callApi, explainError } from '../api.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { proposalPath } from '../lookup.js';

/** What the new proposal copies from the one it reviews: everything a manager entered. */
const CARRIED = [
  'title',
  'cameraType',
  'publicArea',
  'site',
  'justification',
  'retention',
  'approver',
  'dpo',
  'owner',
  'checklist',
  'alternativesConsidered',
  'risks',
  // Issue 19: the rest of the assessment, and the place and policy it was scored under.
  'placeType',
  'scoringPolicy',
  'screening',
  'legalRegime',
  'lawfulBasis',
  'dataCategories',
  'recipients',
] as const;
const DEFAULT_CONSULTATION_DAYS = 28;

export async function reviewStartCommand(
  id: string,
  options: ApiOptions & { deadline?: string },
): Promise<string> {
  const detail = await callApi(options, 'manager', 'GET', await proposalPath(id, options, 'manager'));
  if (detail.status !== 200) throw explainError(detail);
  const previous = detail.body as Record<string, unknown> & {
    proposalId: string;
    reference: string;
    consultation: { consultees: { name: string; email: string; organisation: string | null }[] };
  };
  const deadline =
    options.deadline ?? new Date(Date.now() + DEFAULT_CONSULTATION_DAYS * 86_400_000).toISOString();
  const input: Record<string, unknown> = {
    ...Object.fromEntries(CARRIED.filter((k) => previous[k] != null).map((k) => [k, previous[k]])),
    consultees: previous.consultation.consultees.map((c) => ({
      name: c.name,
      email: c.email,
      ...(c.organisation ? { organisation: c.organisation } : {}),
    })),
    responseDeadline: deadline,
    reviewOf: previous.proposalId,
  };
  const created = await callApi(options, 'manager', 'POST', '/proposals', input);
  if (created.status !== 201) throw explainError(created);
  const { proposalId, reference } = created.body as { proposalId: string; reference: string };
  return `${reference}  ${proposalId}  submitted: reviews ${previous.reference}; consultation until ${deadline}`;
}

export async function reviewDigestCommand(options: { to?: string }): Promise<string> {
  const config = resolveLocalConfig();
  const api = serviceUrl(config, 'api');
  try {
    await fetch(api);
  } catch (error) {
    if (isConnectionFailure(error)) throw new StackUnreachableError('camera-dpia API', api);
    throw error;
  }
  // The handler's SDK clients read these when its modules load: set them first, import after.
  const { handlerEnvironment } = await import('../../local/runner.js');
  Object.assign(process.env, sdkEnvironment(config), handlerEnvironment(config), {
    DPIA_LOG_LEVEL: 'silent',
    ...(options.to ? { DPIA_REVIEW_DIGEST_TO: options.to } : {}),
  });
  const { digestRecipients } = await import('../../functions/review-cycle/digest.js');
  if (digestRecipients().length === 0) {
    throw new CliError(
      ['No one to send the digest to: pass --to ADDRESS[,ADDRESS] or set DPIA_REVIEW_DIGEST_TO.'],
      EXIT_USAGE,
    );
  }
  const { handler } = await import('../../functions/review-cycle/digest.handler.js');
  const r = await handler();
  const mailed =
    r.sent > 0 ? `mailed to ${r.sent} manager${r.sent === 1 ? '' : 's'}` : 'mailed to nobody new';
  const already = r.alreadySent > 0 ? ` (${r.alreadySent} already had this month's)` : '';
  return `Reviews digest for ${r.month}: ${r.overdue} overdue, ${r.dueSoon} due in the next 60 days; ${mailed}${already}.`;
}
