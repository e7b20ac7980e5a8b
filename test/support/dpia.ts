// A proposal's partition built in memory, for the DPIA document's unit tests and benchmark: every
// kind of record the document reads, with distinctive strings planted where the public edition
// must not show them.
import type { DpiaSources } from '../../functions/dpia/document.js';
import { sealDecision } from '../../functions/shared/chain.js';
import type { Reply } from '../../functions/shared/model/consultation.js';
import { GENESIS_HASH } from '../../functions/shared/model/decision.js';
import type { ProposalInput } from '../../functions/shared/model/proposal.js';
import type { ConsulteeRecord } from '../../functions/shared/store/proposals.js';
import { SCORED_EXAMPLE } from './records.js';

/** Strings that may appear in the full edition and must never appear in the public one. */
export const PLANTED = {
  siteDescription: 'Quarry Lane lamp column QX-7734',
  latitude: '51.123457',
  longitude: '0.654321',
  consulteeName: 'Cllr Zebedee Plantagenet',
  consulteeEmail: 'zebedee.plantagenet@planted.example',
  approverName: 'Ch Supt Ottoline Featherstonehaugh',
  approverEmail: 'o.featherstonehaugh@police.example',
  dpoName: 'Dr Perpetua Wolstenholme',
  dpoEmail: 'p.wolstenholme@police.example',
} as const;

export interface FixtureOptions {
  consultees?: number;
  replies?: number;
  decided?: boolean;
  risks?: boolean;
  checklist?: boolean;
  dpo?: boolean;
}

const AT = '2026-10-01T09:00:00.000Z';

export function dpiaFixture(options: FixtureOptions = {}): DpiaSources {
  const count = options.consultees ?? 3;
  const replyCount = Math.min(options.replies ?? count, count);
  const consulteesInput = Array.from({ length: count }, (_, i) =>
    i === 0
      ? { name: PLANTED.consulteeName, email: PLANTED.consulteeEmail, organisation: 'Tenterden Town Council' }
      : {
          name: `Cllr Person ${i + 1}`,
          email: `person.${i + 1}@parish.example`,
          organisation: `Parish Council ${(i % 7) + 1}`,
        },
  );
  const withRisks = options.risks ?? true;
  const input: ProposalInput = {
    title: 'ANPR - A28 approach to Tenterden',
    cameraType: 'ANPR',
    publicArea: 'Tenterden',
    site: { description: PLANTED.siteDescription, latitude: 51.123457, longitude: 0.654321 },
    justification: {
      nationalSecurity: { rating: 2, evidence: 'The A28 links the Channel ports with the Weald.' },
      seriousCrime: {
        rating: 4,
        evidence: `Organised acquisitive crime near ${PLANTED.siteDescription}: 41 rural burglaries.`,
      },
      localCrime: { rating: 4, evidence: 'Vehicle crime in Tenterden rose 23% year on year.' },
      communityConfidence: { rating: 3, evidence: 'Raised at three Community Safety Partnership meetings.' },
    },
    retention: { localDays: 365, nationalDays: 365, standardAccessDays: 90 },
    consultees: consulteesInput,
    responseDeadline: '2026-10-15T17:00:00.000Z',
    approver: { name: PLANTED.approverName, email: PLANTED.approverEmail },
    ...(options.dpo === false ? {} : { dpo: { name: PLANTED.dpoName, email: PLANTED.dpoEmail } }),
    ...(options.checklist === false
      ? {}
      : {
          checklist: Array.from({ length: 12 }, (_, i) => ({
            principle: i + 1,
            met: i !== 8,
            note: i === 8 ? 'Encryption at rest to be confirmed by the supplier.' : 'Met by force policy.',
          })),
          alternativesConsidered: `Mobile ANPR patrols and better street lighting were considered; ${PLANTED.consulteeName} suggested signage.`,
          placeType: 'main-road' as const,
          screening: {
            systematicMonitoring: true,
            newTechnology: false,
            locationTracking: true,
            dataMatching: true,
            lawEnforcement: true,
            note: `Reads every vehicle passing ${PLANTED.siteDescription}.`,
          },
          legalRegime: 'dpa-2018-part-3' as const,
          lawfulBasis: `DPA 2018 s.35(2)(b): a law enforcement task; ${PLANTED.approverName} confirmed the powers.`,
          dataCategories: ['Vehicle registration marks', `Images of vehicles at ${PLANTED.siteDescription}`],
          recipients: ['The National ANPR Service (NAS)', `Investigators briefed by ${PLANTED.dpoEmail}`],
        }),
    ...(withRisks
      ? {
          risks: [
            {
              description: 'Vehicles of residents recorded routinely, beyond the purpose',
              likelihood: 3,
              severity: 2,
              mitigation: 'Standard access limited to 90 days; senior officer authorisation after that.',
              residualLikelihood: 2,
              residualSeverity: 1,
            },
            {
              description: 'Unauthorised access to stored reads',
              likelihood: 2,
              severity: 3,
              mitigation: 'Role-based access, audited monthly.',
              residualLikelihood: 1,
            },
            {
              description: 'Function creep into non-policing uses',
              likelihood: 2,
              severity: 2,
              mitigation: 'Published purpose; annual review.',
            },
          ],
        }
      : {}),
  };
  const replies: Reply[] = Array.from({ length: replyCount }, (_, i) => {
    const c = consulteesInput[i] as { email: string };
    const late = replyCount > 3 ? i % 50 === 49 : i === 2;
    return {
      replyId: `reply-${i}`,
      proposalId: 'p-1',
      consulteeEmail: c.email,
      kind: 'response',
      messageId: `<m${i}@mail.example>`,
      from: c.email,
      subject: 'Re: consultation',
      receivedAt: new Date(Date.parse('2026-10-05T10:00:00Z') + i * 60_000).toISOString(),
      stance: (['support', 'concerns', 'object'] as const)[i % 3] ?? 'support',
      comment:
        i === 0
          ? `${PLANTED.consulteeName} here (${PLANTED.consulteeEmail}). The camera at ${PLANTED.siteDescription}, ${PLANTED.latitude}, is welcome.`
          : `Comment number ${i + 1}: please review the signage and tell us how long the data is kept.`,
      late,
      senderMismatch: i === 1,
      rawKey: `inbound/m${i}`,
    };
  });
  const consultees: ConsulteeRecord[] = consulteesInput.map((c, i) => {
    const reply = replies[i];
    return {
      name: c.name,
      email: c.email,
      organisation: c.organisation,
      status: reply ? 'responded' : 'mailed',
      stance: reply?.stance ?? null,
      respondedAt: reply?.receivedAt ?? null,
      late: reply?.late ?? false,
      senderMismatch: reply?.senderMismatch ?? false,
      comment: reply?.comment ?? null,
      mailMarker: 'sent',
      replyId: reply?.replyId ?? null,
      mailedAt: AT,
    };
  });
  const counted = replies.filter((r) => !r.late && !r.senderMismatch);
  const tally = { support: 0, concerns: 0, object: 0, unclassified: 0 };
  for (const r of counted) tally[r.stance ?? 'unclassified']++;
  const decided = options.decided ?? true;
  const decision = decided
    ? sealDecision({
        decisionId: 'DEC-000001',
        proposalId: 'p-1',
        reference: 'DPIA-2026-0042',
        outcome: 'approved',
        rationale: `A clear pressing need; the concerns of ${PLANTED.consulteeName} are met by the 90-day access limit.`,
        conditions: 'Confirm encryption at rest (principle 9) before go-live.',
        decidedBy: PLANTED.approverEmail,
        decidedAt: '2026-10-20T14:30:00.000Z',
        reviewDate: '2027-10-20',
        pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1' },
        consultation: { mailed: count, responded: counted.length, late: 1, tally },
        ...(options.dpo === false
          ? {}
          : {
              dpoAdvice: {
                recommendation: 'proceed-with-conditions' as const,
                advice: `Proceed once ${PLANTED.siteDescription} signage is up; contact ${PLANTED.dpoEmail}.`,
                response: 'accepted' as const,
                reasons: null,
              },
            }),
        residualRisk: 'medium',
        // Issue 19: tracked conditions, planted strings in their text and owner.
        conditionItems: [
          {
            n: 1,
            text: 'Confirm encryption at rest (principle 9) before go-live.',
            owner: 'Head of ANPR',
            dueDate: '2026-12-31',
          },
          {
            n: 2,
            text: `Signage on both approaches to ${PLANTED.siteDescription}.`,
            owner: `Sgt for ${PLANTED.approverName}`,
            dueDate: '2099-01-31',
          },
        ],
        sequence: 1,
        prevHash: GENESIS_HASH,
      })
    : null;
  return {
    proposal: {
      proposalId: 'p-1',
      reference: 'DPIA-2026-0042',
      createdAt: AT,
      createdBy: 'manager@police.example',
      updatedAt: decided ? '2026-10-20T14:30:05.000Z' : '2026-10-15T17:00:00.000Z',
      status: decided ? 'approved' : 'awaiting-approval',
      input,
      ...(decided
        ? {
            conditions: [
              {
                n: 1,
                text: 'Confirm encryption at rest (principle 9) before go-live.',
                owner: 'Head of ANPR',
                dueDate: '2026-12-31',
                done: true,
                doneAt: '2026-11-02T10:00:00.000Z',
                doneBy: PLANTED.approverEmail,
                evidence: `Supplier certificate ENC-7 for ${PLANTED.siteDescription}`,
              },
              {
                n: 2,
                text: `Signage on both approaches to ${PLANTED.siteDescription}.`,
                owner: `Sgt for ${PLANTED.approverName}`,
                dueDate: '2099-01-31',
                done: false,
                doneAt: null,
                doneBy: null,
                evidence: null,
              },
            ],
          }
        : {}),
      pressingNeed: SCORED_EXAMPLE,
      consultation: {
        deadline: input.responseDeadline,
        mailed: count,
        responded: counted.length,
        late: replies.filter((r) => r.late).length,
        bounced: 0,
        tally,
        closedAt: input.responseDeadline,
      },
      executionArn: null,
      collectTaskToken: null,
      reviewId: 'review-1',
      decisionId: decision?.decisionId ?? null,
      ...(options.dpo === false
        ? {}
        : {
            dpo: {
              adviceId: 'advice-1',
              dpoName: PLANTED.dpoName,
              requestedAt: '2026-10-15T17:01:00.000Z',
              expiresAt: '2026-10-22T17:01:00.000Z',
              status: 'advised' as const,
              recommendation: 'proceed-with-conditions' as const,
              advice: `Proceed once ${PLANTED.siteDescription} signage is up; contact ${PLANTED.dpoEmail}.`,
              advisedAt: '2026-10-17T11:00:00.000Z',
            },
          }),
    },
    consultees,
    replies,
    timeline: [
      { at: AT, event: 'submitted', detail: 'Proposal opened' },
      { at: '2026-10-01T09:01:00.000Z', event: 'consultation-mailed', detail: `${count} consultees mailed` },
    ],
    decision,
  };
}
