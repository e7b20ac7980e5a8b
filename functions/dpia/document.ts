// The DPIA as a document a person signs (SPEC 11): one printable HTML page in the order and words of
// the ICO's sample DPIA template, generated on request from what is stored (proposal, score,
// consultees, replies, timeline, DPO stage, ICO consultation, decision record). Nothing is typed
// twice. Two editions: the full one (managers, auditors, the approver and the DPO) and the public
// one, which is built from its own allow-list rather than by deleting fields from the full one.
import {
  CAMERA_WORDING,
  FACTOR_NAMES,
  GROUND_NAMES,
  retentionView,
  withoutSite,
} from '../consultation/letter.js';
import { findDecision, readAnchor } from '../decisions/store.js';
import type { Reply } from '../shared/model/consultation.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import { DPO_RECOMMENDATION_LABELS, ICO_OUTCOME_LABELS } from '../shared/model/governance-terms.js';
import type { ProposalInput, Risk } from '../shared/model/proposal.js';
import { GUIDING_PRINCIPLES, MAX_RATING } from '../shared/model/proposal-terms.js';
import {
  LIKELIHOOD_LABELS,
  needsPriorConsultation,
  RISK_LEVEL_LABELS,
  type RiskLevel,
  residual,
  riskLevel,
  SEVERITY_LABELS,
} from '../shared/model/risk.js';
import { isCounted, STANCE_LABELS } from '../shared/model/stances.js';
import { loadProposalPartition, type ProposalPartition, STATUS_LABELS } from '../shared/store/proposals.js';
import { renderPage } from '../shared/templates.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';
import { CONTACT_POINT, conditionsView, regimeView, screeningView } from './assessment-view.js';

export const EDITIONS = ['full', 'public'] as const;
export type Edition = (typeof EDITIONS)[number];

/** Everything the document is generated from. */
export interface DpiaSources extends ProposalPartition {
  decision: DecisionRecord | null;
  /** Issue 21: the chain's anchored head when the document was made, published in it. */
  chainHead?: { sequence: number; hash: string } | null;
}

export const NOT_RECORDED = 'Not recorded';
export const NOT_APPLICABLE = 'Not applicable';

/** The section headings, word for word from the ICO's sample DPIA template. */
export const SECTION_HEADINGS = [
  'Step 1: Identify the need for a DPIA',
  'Step 2: Describe the processing',
  'Step 3: Consultation process',
  'Step 4: Assess necessity and proportionality',
  'Step 5: Identify and assess risks',
  'Step 6: Identify measures to reduce risk',
  'Step 7: Sign off and record outcomes',
] as const;

/** A comment in the full edition is summarised to this many characters. */
const SUMMARY_CHARS = 400;

/** Reads what the document needs: the proposal's partition and its decision, if any. */
export async function loadDpiaSources(proposalId: string): Promise<DpiaSources> {
  const partition = await loadProposalPartition(proposalId);
  const [decision, anchor] = await Promise.all([
    partition.proposal.decisionId ? findDecision(partition.proposal.decisionId) : Promise.resolve(undefined),
    readAnchor(),
  ]);
  return {
    ...partition,
    decision: decision ?? null,
    chainHead: anchor ? { sequence: anchor.sequence, hash: anchor.hash } : null,
  };
}

export interface RenderedDpia {
  html: string;
  view: DpiaView;
}

export function renderDpia(sources: DpiaSources, edition: Edition): RenderedDpia {
  const view = dpiaView(sources, edition);
  return { html: renderPage('dpia-document', view), view };
}

/** "DPIA-2026-0001.pdf", "DPIA-2026-0001-public.html". */
export const dpiaFilename = (reference: string, edition: Edition, extension: 'html' | 'pdf'): string =>
  `${reference}${edition === 'public' ? '-public' : ''}.${extension}`;

// ---- the view ------------------------------------------------------------------------------------

interface Row {
  label: string;
  value: string;
}

export interface RiskView {
  id: string;
  description: string;
  likelihood: string;
  severity: string;
  level: string;
  levelClass: RiskLevel;
  measure: string;
  residualLikelihood: string;
  residualSeverity: string;
  residualLevel: string;
  residualClass: RiskLevel;
  effect: string;
  approved: string;
}

export interface MatrixView {
  id: string;
  title: string;
  description: string;
  cells: { x: number; y: number; labelX: number; labelY: number; level: string; levelClass: RiskLevel }[];
  markers: { x: number; y: number; id: string; tx: number; ty: number }[];
  columns: { x: number; label: string }[];
  rows: { y: number; label: string }[];
  empty: boolean;
}

export interface SignOffRow {
  item: string;
  who: string;
  notes: string;
}

export type DpiaView = ReturnType<typeof dpiaView>;

/**
 * The view the template renders. Each edition is assembled field by field from the stored records;
 * the public one passes every free text through `say`, which withholds the site, the e-mail
 * addresses and the names of the people involved.
 */
export function dpiaView(sources: DpiaSources, edition: Edition) {
  const { proposal, consultees, replies, decision } = sources;
  const { input } = proposal;
  const isPublic = edition === 'public';
  const say = isPublic ? publicText(input, consultees) : (text: string) => text;
  const camera = CAMERA_WORDING[input.cameraType];
  const retention = retentionView(input.retention);
  const approverName = isPublic ? 'The approver' : input.approver.name;
  const dpoName = isPublic
    ? 'The Data Protection Officer'
    : (proposal.dpo?.dpoName ?? input.dpo?.name ?? null);
  const decided = decision !== null;
  const versionAt = [proposal.updatedAt, decision?.decidedAt ?? ''].sort().at(-1) ?? proposal.createdAt;

  // Consultees are numbered in the order they were listed, so the public edition can say "Consultee 3".
  const order = new Map(input.consultees.map((c, i) => [c.email.toLowerCase(), i + 1]));
  const consulteeLabel = (email: string | null) => {
    const c = email ? consultees.find((x) => x.email.toLowerCase() === email.toLowerCase()) : undefined;
    const n = email ? order.get(email.toLowerCase()) : undefined;
    if (!c) return { name: isPublic ? 'Unknown sender' : 'Unknown sender', organisation: null };
    return {
      name: isPublic ? `Consultee ${n ?? '?'}` : c.name,
      organisation: c.organisation ? say(c.organisation) : null,
    };
  };

  const risks = (input.risks ?? []).map((risk, i) => riskView(risk, i, decision, say));
  const highResidual = needsPriorConsultation(input.risks);
  const ico = decision?.icoConsultation ?? proposal.icoConsultation ?? null;

  return {
    edition,
    isPublic,
    editionLabel: isPublic
      ? 'Public edition: the camera site, personal names and e-mail addresses are left out'
      : 'Full edition: restricted, contains the camera site',
    headings: SECTION_HEADINGS,
    reference: proposal.reference,
    title: say(input.title),
    status: STATUS_LABELS[proposal.status],
    statusClass: `status-${proposal.status}`,
    draft: !decided,
    versionDate: formatUkDateTime(versionAt),
    versionIso: versionAt,
    cameraType: input.cameraType,
    publicArea: input.publicArea,

    // Step 1
    need: {
      aim: `${proposal.reference} proposes ${camera.proposal} in ${input.publicArea}.`,
      why: camera.why.map(say),
      // Issue 19: why a DPIA is needed, in the screening answers.
      screening: screeningView(input, say),
    },

    // Step 2
    processing: {
      nature: camera.how.map(say),
      storage: `${camera.storage} ${retention.stored}`,
      deployment: camera.deployment,
      site: isPublic
        ? null
        : {
            description: input.site.description,
            latitude: input.site.latitude,
            longitude: input.site.longitude,
          },
      retention: [
        {
          label: 'Kept locally',
          value: `${input.retention.localDays} days (${phrase(input.retention.localDays)})`,
        },
        {
          label: 'Kept nationally',
          value: `${input.retention.nationalDays} days (${phrase(input.retention.nationalDays)})`,
        },
      ] satisfies Row[],
      accessTiers: accessTiers(input, camera.data),
      // Issue 19: the legal regime, lawful basis, data, recipients and place; SC Code principle 3.
      regime: regimeView(input, say),
      contactPoint: CONTACT_POINT,
      purposes: FACTOR_KEYS_IN_ORDER.filter((k) => input.justification[k].rating > 0).map(
        (k) => FACTOR_NAMES[k],
      ),
    },

    // Step 3
    consultation: consultationView(sources, consulteeLabel, say, isPublic),

    // Step 4
    necessity: {
      pressingNeed: proposal.pressingNeed
        ? {
            score: proposal.pressingNeed.score,
            band: proposal.pressingNeed.band,
            policyVersion: proposal.pressingNeed.policyVersion,
            factors: proposal.pressingNeed.factors.map((f) => ({
              name: GROUND_NAMES[f.factor],
              rating: `${f.rating}/${MAX_RATING}`,
              weight: `${Math.round(f.weight * 100)}%`,
              points: f.contribution,
              evidence: say(input.justification[f.factor]?.evidence?.trim() || NOT_RECORDED),
            })),
          }
        : null,
      alternatives: input.alternativesConsidered ? say(input.alternativesConsidered) : null,
      principles: GUIDING_PRINCIPLES.map((text, i) => {
        const entry = input.checklist?.find((e) => e.principle === i + 1);
        return {
          number: i + 1,
          text,
          met: entry ? (entry.met ? 'Met' : 'Not met') : NOT_RECORDED,
          metClass: entry ? (entry.met ? 'met' : 'not-met') : 'not-recorded',
          note: entry?.note ? say(entry.note) : '',
        };
      }),
      checklistRecorded: input.checklist !== undefined,
    },

    // Step 5 and 6
    risks,
    hasRisks: risks.length > 0,
    matrixBefore: matrix(
      'matrix-before',
      'Risk matrix before the measures',
      risks.map((r, i) => ({ id: r.id, risk: input.risks?.[i] as Risk, after: false })),
    ),
    matrixAfter: matrix(
      'matrix-after',
      'Risk matrix after the measures (residual risk)',
      risks.map((r, i) => ({ id: r.id, risk: input.risks?.[i] as Risk, after: true })),
    ),

    // Step 7
    signOff: signOffRows(sources, { approverName, dpoName, say, isPublic }),
    outcome: decision
      ? {
          label: decision.outcome === 'approved' ? 'Approved' : 'Rejected',
          approved: decision.outcome === 'approved',
          rationale: say(decision.rationale),
          conditions: decision.conditions ? say(decision.conditions) : 'None',
          // Issue 19: each condition's owner, due date and state.
          conditionItems: conditionsView(
            decision,
            proposal.conditions,
            say,
            isPublic,
            new Date().toISOString().slice(0, 10),
          ),
          decidedAt: formatUkDateTime(decision.decidedAt),
          reviewDate: decision.reviewDate ? formatUkLongDate(decision.reviewDate) : NOT_APPLICABLE,
        }
      : null,
    ico: {
      required: highResidual,
      statement: highResidual
        ? 'A residual risk is high: prior consultation with the Information Commissioner is required before the processing may go ahead (Data Protection Act 2018, section 65).'
        : input.risks?.length
          ? 'Not applicable: no residual risk is high.'
          : `${NOT_APPLICABLE}: no risks are recorded.`,
      record: ico
        ? [
            { label: 'Submitted on', value: formatUkLongDate(ico.submittedOn) },
            { label: "Commissioner's reference", value: say(ico.reference) },
            { label: 'Outcome', value: ICO_OUTCOME_LABELS[ico.outcome] },
            { label: 'Summary', value: say(ico.summary) },
            ...(isPublic ? [] : [{ label: 'Recorded by', value: ico.recordedBy }]),
            { label: 'Recorded at', value: formatUkDateTime(ico.recordedAt) },
          ]
        : null,
      missing: highResidual && !ico,
    },
    chain: decision
      ? {
          decisionId: decision.decisionId,
          sequence: decision.sequence,
          prevHash: decision.prevHash,
          hash: decision.hash,
          decidedAt: formatUkDateTime(decision.decidedAt),
          // Published so a reader can later check the chain still reaches this head (issue 21).
          head: sources.chainHead ?? null,
        }
      : null,
    repliesCounted: replies.filter(isCounted).length,
  };
}

const FACTOR_KEYS_IN_ORDER = [
  'nationalSecurity',
  'seriousCrime',
  'localCrime',
  'communityConfidence',
] as const;

const phrase = (days: number) =>
  days === 365 ? 'twelve months' : days % 365 === 0 ? `${days / 365} years` : `${days} days`;

/** The national access rules: normal access first, then the senior officer's tier, if any. */
function accessTiers(input: ProposalInput, data: string) {
  const longest = Math.max(input.retention.localDays, input.retention.nationalDays);
  const tiers = [
    {
      period: `Days 1 to ${input.retention.standardAccessDays}`,
      who: 'Officers and staff with appropriate training, where it is relevant to their role',
      purpose: `Legitimate investigation purposes (standard access period of ${input.retention.standardAccessDays} days)`,
    },
  ];
  if (input.retention.standardAccessDays < longest) {
    // The seed letter's two tiers after normal access (issue 19: letter fidelity).
    tiers.push(
      {
        period: `After day ${input.retention.standardAccessDays}`,
        who: 'As above, with the authorisation of a senior officer',
        purpose: 'Priority and volume crime, serious, major or counter terrorism investigations only',
      },
      {
        period: `Up to day ${longest}`,
        who: 'As above, with the authorisation of a senior officer',
        purpose: 'Major investigations and counter terrorism purposes only',
      },
    );
  }
  return { data, tiers };
}

function riskView(
  risk: Risk,
  index: number,
  decision: DecisionRecord | null,
  say: (text: string) => string,
): RiskView {
  const before = riskLevel(risk.likelihood, risk.severity);
  const after = residual(risk);
  const afterLevel = riskLevel(after.likelihood, after.severity);
  const order = ['low', 'medium', 'high'];
  const effect =
    order.indexOf(afterLevel) < order.indexOf(before)
      ? `Reduced from ${RISK_LEVEL_LABELS[before].toLowerCase()} to ${RISK_LEVEL_LABELS[afterLevel].toLowerCase()}`
      : after.likelihood < risk.likelihood || after.severity < risk.severity
        ? `Reduced within ${RISK_LEVEL_LABELS[afterLevel].toLowerCase()}`
        : 'Accepted: no change';
  return {
    id: `R${index + 1}`,
    description: say(risk.description),
    likelihood: LIKELIHOOD_LABELS[risk.likelihood] ?? String(risk.likelihood),
    severity: SEVERITY_LABELS[risk.severity] ?? String(risk.severity),
    level: RISK_LEVEL_LABELS[before],
    levelClass: before,
    measure: say(risk.mitigation),
    residualLikelihood: LIKELIHOOD_LABELS[after.likelihood] ?? String(after.likelihood),
    residualSeverity: SEVERITY_LABELS[after.severity] ?? String(after.severity),
    residualLevel: RISK_LEVEL_LABELS[afterLevel],
    residualClass: afterLevel,
    effect,
    approved: decision ? (decision.outcome === 'approved' ? 'Yes' : 'No') : 'Not yet decided',
  };
}

// The matrix is drawn on a fixed grid: likelihood across (remote, possible, probable), severity up
// (minimal at the bottom, severe at the top), as the ICO template's table reads.
const CELL = 120;
const LEFT = 110;
const TOP = 16;
const MARKER_GAP = 34;

function matrix(
  id: string,
  title: string,
  entries: { id: string; risk: Risk; after: boolean }[],
): MatrixView {
  const cells: MatrixView['cells'] = [];
  for (let likelihood = 1; likelihood <= 3; likelihood++) {
    for (let severity = 1; severity <= 3; severity++) {
      const level = riskLevel(likelihood, severity);
      const x = LEFT + (likelihood - 1) * CELL;
      const y = TOP + (3 - severity) * CELL;
      cells.push({
        x,
        y,
        labelX: x + CELL - 6,
        labelY: y + CELL - 8,
        level: RISK_LEVEL_LABELS[level],
        levelClass: level,
      });
    }
  }
  const perCell = new Map<string, number>();
  const markers = entries.map(({ id, risk, after }) => {
    const { likelihood, severity } = after ? residual(risk) : risk;
    const key = `${likelihood}/${severity}`;
    const n = perCell.get(key) ?? 0;
    perCell.set(key, n + 1);
    // Up to three a row, four rows: a cell holds twelve before markers overlap (and the text
    // alternative lists every one regardless).
    const x = LEFT + (likelihood - 1) * CELL + 22 + (n % 3) * MARKER_GAP;
    const y = TOP + (3 - severity) * CELL + 40 + Math.floor(n / 3) * 26;
    return { x, y, id, tx: x, ty: y + 5 };
  });
  const description =
    entries.length === 0
      ? 'No risks are recorded.'
      : entries
          .map(({ id, risk, after }) => {
            const { likelihood, severity } = after ? residual(risk) : risk;
            return `${id}: likelihood ${LIKELIHOOD_LABELS[likelihood]?.toLowerCase()}, severity ${SEVERITY_LABELS[severity]?.toLowerCase()}, overall ${riskLevel(likelihood, severity)}.`;
          })
          .join(' ');
  return {
    id,
    title,
    description,
    cells,
    markers,
    columns: [1, 2, 3].map((l) => ({ x: LEFT + (l - 0.5) * CELL, label: LIKELIHOOD_LABELS[l] ?? '' })),
    rows: [3, 2, 1].map((s, i) => ({ y: TOP + (i + 0.5) * CELL + 5, label: SEVERITY_LABELS[s] ?? '' })),
    empty: entries.length === 0,
  };
}

type ConsulteeLabel = (email: string | null) => { name: string; organisation: string | null };

function consultationView(
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

function signOffRows(
  { proposal, decision }: DpiaSources,
  who: {
    approverName: string;
    dpoName: string | null;
    say: (text: string) => string;
    isPublic: boolean;
  },
): SignOffRow[] {
  const { input } = proposal;
  const bySystem = decision?.decidedBy === 'system';
  const approver = decision
    ? bySystem
      ? `The system, ${formatUkDateTime(decision.decidedAt)}`
      : `${who.approverName}${who.isPublic ? '' : ` (${decision.decidedBy})`}, approver, ${formatUkDateTime(decision.decidedAt)}`
    : 'Not yet decided';
  const dpo = dpoRows(proposal, decision, who);
  const ico = decision?.icoConsultation ?? proposal.icoConsultation;
  return [
    {
      item: 'Measures approved by',
      who: approver,
      notes: decision
        ? decision.outcome === 'approved'
          ? `Approved. Conditions: ${decision.conditions ? who.say(decision.conditions).replace(/\.?$/, '.') : 'none.'}`
          : 'Rejected: the measures are not approved.'
        : NOT_RECORDED,
    },
    {
      item: 'Residual risks approved by',
      who: input.risks?.length ? approver : NOT_APPLICABLE,
      notes: input.risks?.length
        ? `Highest residual risk: ${decision?.residualRisk ?? highestResidual(input.risks)}.${
            needsPriorConsultation(input.risks)
              ? ico
                ? ' High residual risk: the Information Commissioner was consulted before the decision (below).'
                : ' High residual risk: the Information Commissioner must be consulted before going ahead.'
              : ''
          }`
        : 'No risks are recorded.',
    },
    ...dpo,
    {
      item: 'Consultation responses reviewed by',
      who:
        decision && !bySystem
          ? approver
          : decision
            ? 'Not applicable: no consultation took place'
            : NOT_RECORDED,
      notes: decision ? `Rationale: ${who.say(decision.rationale)}` : NOT_RECORDED,
    },
    {
      item: 'This DPIA will be kept under review by',
      who: decision?.outcome === 'approved' ? who.approverName : NOT_APPLICABLE,
      notes: decision?.reviewDate
        ? `Next review by ${formatUkLongDate(decision.reviewDate)}.`
        : NOT_APPLICABLE,
    },
  ];
}

function dpoRows(
  proposal: DpiaSources['proposal'],
  decision: DecisionRecord | null,
  who: { dpoName: string | null; approverName: string; say: (text: string) => string },
): SignOffRow[] {
  const named = proposal.input.dpo !== undefined || proposal.dpo !== undefined;
  if (!named) {
    return [
      {
        item: 'DPO advice provided',
        who: NOT_APPLICABLE,
        notes: 'The proposal names no Data Protection Officer.',
      },
    ];
  }
  const stage = proposal.dpo;
  const advice = decision?.dpoAdvice;
  if (decision?.dpoNoResponse) {
    return [
      {
        item: 'DPO advice provided',
        who: who.dpoName ?? 'The Data Protection Officer',
        notes: `No advice: the DPO was asked on ${formatUkDateTime(decision.dpoNoResponse.requestedAt)} and did not answer in time (${formatUkDateTime(decision.dpoNoResponse.timedOutAt)}); the approver decided without it.`,
      },
    ];
  }
  const recommendation = advice?.recommendation ?? stage?.recommendation;
  const text = advice?.advice ?? stage?.advice;
  const rows: SignOffRow[] = [
    {
      item: 'DPO advice provided',
      who: `${who.dpoName ?? 'The Data Protection Officer'}${stage?.advisedAt ? `, ${formatUkDateTime(stage.advisedAt)}` : ''}`,
      notes: recommendation
        ? `Recommendation: ${DPO_RECOMMENDATION_LABELS[recommendation]}. Summary: ${text ? who.say(text) : NOT_RECORDED}`
        : stage?.status === 'no-response'
          ? 'No advice: the DPO did not answer in time.'
          : `${NOT_RECORDED}: advice awaited.`,
    },
  ];
  if (advice) {
    rows.push({
      item: 'DPO advice accepted or overruled by',
      who: who.approverName,
      notes:
        advice.response === 'accepted'
          ? 'Accepted.'
          : `Overruled. Reasons: ${advice.reasons ? who.say(advice.reasons) : NOT_RECORDED}`,
    });
  } else {
    rows.push({ item: 'DPO advice accepted or overruled by', who: NOT_RECORDED, notes: NOT_RECORDED });
  }
  return rows;
}

function highestResidual(risks: readonly Risk[]): string {
  const levels = risks.map((r) => {
    const a = residual(r);
    return riskLevel(a.likelihood, a.severity);
  });
  return levels.includes('high') ? 'high' : levels.includes('medium') ? 'medium' : 'low';
}

// ---- the public edition's text --------------------------------------------------------------------

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
