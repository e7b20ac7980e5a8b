import { ConfigurationError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { addTimelineEvent, changeStatus, getProposal, updateProposal } from '../shared/store/proposals.js';
import { countConsultationClosed } from '../stats/counters.js';
import { rebuildConsultationCounts } from './summary.js';

/** Days the approver has before the proposal expires (SPEC §10), unless the deployment says otherwise. */
export const APPROVAL_TIMEOUT_ENV = 'DPIA_APPROVAL_TIMEOUT_DAYS';
export const DEFAULT_APPROVAL_TIMEOUT_DAYS = 14;

/** Days the DPO has to advise before the proposal goes on to the approver without it (SPEC 10). */
export const DPO_TIMEOUT_ENV = 'DPIA_DPO_TIMEOUT_DAYS';
export const DEFAULT_DPO_TIMEOUT_DAYS = 7;

export interface CloseConsultationResult {
  approvalTimeoutSeconds: number;
  /** Present only when the proposal names a DPO: the workflow's IsDpoNamed choice reads it. */
  dpoTimeoutSeconds?: number;
}

export async function closeConsultation(proposalId: string): Promise<CloseConsultationResult> {
  // Read first, so a bad setting fails the task before anything changes and a retry can succeed.
  const approvalTimeoutSeconds = approvalTimeoutSecondsFromEnv();
  const dpoTimeoutSeconds = dpoTimeoutSecondsFromEnv();
  const proposal = await getProposal(proposalId);
  const result: CloseConsultationResult = proposal.input.dpo
    ? { approvalTimeoutSeconds, dpoTimeoutSeconds }
    : { approvalTimeoutSeconds };
  if (!['consulting', 'awaiting-dpo-advice', 'awaiting-approval'].includes(proposal.status)) {
    log.info('consultation not closed', {
      proposalId,
      reference: proposal.reference,
      status: proposal.status,
    });
    return result;
  }

  // A retry keeps the first closing time: it is when collection really stopped.
  const closedAt = proposal.consultation.closedAt ?? new Date().toISOString();
  // Drops the collection token; only `consultation.closedAt` of the summary is written.
  await updateProposal(proposalId, { collectTaskToken: null, 'consultation.closedAt': closedAt });
  // A fresh count from every consultee and reply: what the approver and the decision record read.
  const summary = await rebuildConsultationCounts(proposalId);

  const next = proposal.input.dpo ? 'awaiting-dpo-advice' : 'awaiting-approval';
  if (await changeStatus(proposalId, next, ['consulting'])) {
    const early = Date.parse(closedAt) < Date.parse(proposal.input.responseDeadline);
    await addTimelineEvent(
      proposalId,
      'consultation-closed',
      `${early ? 'Closed early, before the deadline' : 'Closed at the deadline'}: ` +
        `${summary.responded} of ${summary.mailed} mailed consultees responded` +
        (summary.late > 0 ? ` (${summary.late} late)` : ''),
    );
  }
  await countConsultationClosed(proposal, closedAt, summary);
  log.info('consultation closed', {
    proposalId,
    reference: proposal.reference,
    responded: summary.responded,
    mailed: summary.mailed,
  });
  return result;
}

/** Fractions of a day are allowed, so a test can watch an approval expire within seconds. */
export const approvalTimeoutSecondsFromEnv = (): number =>
  daysToSeconds(APPROVAL_TIMEOUT_ENV, process.env[APPROVAL_TIMEOUT_ENV], DEFAULT_APPROVAL_TIMEOUT_DAYS);

/** The DPO's time to advise; fractions of a day allowed, as for the approver. */
export const dpoTimeoutSecondsFromEnv = (): number =>
  daysToSeconds(DPO_TIMEOUT_ENV, process.env[DPO_TIMEOUT_ENV], DEFAULT_DPO_TIMEOUT_DAYS);

/**
 * The longest the DPO or the approver may be given: with a consultation of at most 180 days, the
 * lifecycle fits in Step Functions' one-year limit on a Standard execution.
 */
export const MAX_WINDOW_DAYS = 90;

/** Each caller reads its own variable, so a bundle names exactly the settings it uses. */
function daysToSeconds(variable: string, value: string | undefined, fallback: number): number {
  const configured = value?.trim();
  const days = configured ? Number(configured) : fallback;
  if (!Number.isFinite(days) || days <= 0 || days > MAX_WINDOW_DAYS) {
    throw new ConfigurationError(
      `${variable} must be a number of days above 0 and at most ${MAX_WINDOW_DAYS} (got "${configured}"); unset it for the default of ${fallback}.`,
    );
  }
  return Math.max(1, Math.round(days * 24 * 60 * 60));
}
