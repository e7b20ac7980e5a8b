// The DPIA as a document a person signs (SPEC 11): one printable HTML page in the order and words of
// the ICO's sample DPIA template, generated on request from what is stored (proposal, score,
// consultees, replies, timeline, DPO stage, ICO consultation, decision record). Nothing is typed
// twice. Two editions: the full one (managers, auditors, the approver and the DPO) and the public
// one, which is built from its own allow-list rather than by deleting fields from the full one.
// What it is made from: sources.ts; its parts: consultation-view.ts, risks.ts, sign-off.ts and
// public-edition.ts.
import { CAMERA_WORDING, FACTOR_NAMES, needInWords, retentionView } from '../consultation/letter.js';
import { ICO_OUTCOME_LABELS } from '../shared/model/governance-terms.js';
import type { ProposalInput, Risk } from '../shared/model/proposal.js';
import { GUIDING_PRINCIPLES } from '../shared/model/proposal-terms.js';
import { needsPriorConsultation } from '../shared/model/risk.js';
import { isCounted } from '../shared/model/stances.js';
import { STATUS_LABELS } from '../shared/store/proposals.js';
import { renderPage } from '../shared/templates.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';
import { CONTACT_POINT, conditionsView, regimeView, screeningView } from './assessment-view.js';
import { consultationView } from './consultation-view.js';

export { type DpiaSources, EDITIONS, type Edition, loadDpiaSources } from './sources.js';

import { publicText } from './public-edition.js';
import { matrix, riskView } from './risks.js';
import { signOffRows } from './sign-off.js';
import type { DpiaSources, Edition } from './sources.js';
import { NOT_APPLICABLE, NOT_RECORDED } from './words.js';

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
        ? pressingNeedInDocument(needInWords(proposal.pressingNeed, input.justification), say)
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

/** The document's table of the grounds: rating out of the maximum, weight in %, evidence said. */
function pressingNeedInDocument(need: ReturnType<typeof needInWords>, say: (text: string) => string) {
  return {
    ...need,
    factors: need.factors.map((f) => ({
      name: f.name,
      rating: `${f.rating}/${f.maxRating}`,
      weight: `${f.weightPercent}%`,
      points: f.points,
      evidence: say(f.evidence ?? NOT_RECORDED),
    })),
  };
}
