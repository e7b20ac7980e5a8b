// Stored records as the unit tests start from them: the example's scored need, a proposal whose
// consultation has closed (12 mailed, 9 replied), a consultee as mailed, and a decision's draft for
// the chain, numbered.
import { readFileSync } from 'node:fs';
import type { DecisionDraft } from '../../functions/decisions/store.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import type { ConsulteeRecord, ProposalRecord } from '../../functions/shared/store/proposals.js';

/** The counts of a consultation that mailed nobody, as a decision records them: all nought. */
export const nothingCounted = () => ({
  mailed: 0,
  responded: 0,
  late: 0,
  tally: { support: 0, concerns: 0, object: 0, unclassified: 0 },
});

/** A consultation as opening the proposal leaves it: nothing mailed, counted or closed yet. */
export const openConsultation = (
  deadline: string,
  over: Partial<ProposalRecord['consultation']> = {},
): ProposalRecord['consultation'] => ({
  deadline,
  ...nothingCounted(),
  bounced: 0,
  closedAt: null,
  ...over,
});

/** examples/anpr-tenterden.json as a client sends it: the JSON, not yet parsed. */
export const exampleJson = () =>
  JSON.parse(readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8'));

/** The example as the proposal schema parses it. */
export const exampleInput = (): ProposalInput => ProposalInput.parse(exampleJson());

/** The pressing need of examples/anpr-tenterden.json as policy 2026.1 scores it: 65, clear. */
export const SCORED_EXAMPLE: ProposalRecord['pressingNeed'] = {
  score: 65,
  band: 'clear',
  policyVersion: '2026.1',
  factors: [
    { factor: 'nationalSecurity', rating: 2, weight: 0.3, contribution: 12 },
    { factor: 'seriousCrime', rating: 4, weight: 0.3, contribution: 24 },
    { factor: 'localCrime', rating: 4, weight: 0.25, contribution: 20 },
    { factor: 'communityConfidence', rating: 3, weight: 0.15, contribution: 9 },
  ],
};

/** What the closed consultation below counted (12 mailed, 9 replied), as a decision records it. */
export const CLOSED_COUNTS = {
  mailed: 12,
  responded: 9,
  late: 1,
  tally: { support: 6, concerns: 2, object: 1, unclassified: 0 },
};

/** The proposal `p-1` (DPIA-2026-0007) of `input`, its consultation closed; `over` changes any field. */
export const closedProposal = (input: ProposalInput, over: Partial<ProposalRecord> = {}): ProposalRecord => ({
  proposalId: 'p-1',
  reference: 'DPIA-2026-0007',
  createdAt: '2026-11-01T09:00:00.000Z',
  createdBy: 'manager@police.example',
  updatedAt: '2026-12-15T17:00:00.000Z',
  status: 'consulting',
  input,
  pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1', factors: [] },
  consultation: {
    deadline: input.responseDeadline,
    ...CLOSED_COUNTS,
    bounced: 0,
    closedAt: '2026-12-15T17:00:00.000Z',
  },
  executionArn: null,
  collectTaskToken: null,
  reviewId: null,
  decisionId: null,
  ...over,
});

/** The n-th decision's draft (proposal `p-<n>`, decided at 09:<n> on 1 December 2026). */
export const decisionDraft = (n: number, outcome: 'approved' | 'rejected' = 'approved'): DecisionDraft => ({
  proposalId: `p-${n}`,
  reference: `DPIA-2026-${String(n).padStart(4, '0')}`,
  outcome,
  rationale: 'Pressing need is clear and consultation raised no unanswered objection.',
  conditions: null,
  decidedBy: 'approver@police.example',
  decidedAt: new Date(Date.UTC(2026, 11, 1, 9, n)).toISOString(),
  reviewDate: outcome === 'approved' ? '2027-12-01' : null,
  pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1' },
  consultation: CLOSED_COUNTS,
});

/** A consultee as SendConsultation leaves one mailed, not yet answering; a test's own facts over it. */
export const mailedConsultee = (email: string, over: Partial<ConsulteeRecord> = {}): ConsulteeRecord => ({
  name: `Cllr ${email.split('@')[0]}`,
  email,
  status: 'mailed',
  stance: null,
  respondedAt: null,
  late: false,
  senderMismatch: false,
  comment: null,
  mailMarker: 'sent',
  replyId: null,
  mailedAt: '2026-12-01T09:01:00.000Z',
  ...over,
});
