// The assessment on the web form (issue 20, "the full form"): the 12 principles, the risks with
// their residual risk, alternatives, screening, legal regime, lawful basis, data and recipients.
// Shared by the "new proposal" form and the page that completes an open proposal's assessment
// (issue 19), so both read and show the same fields the same way. Field names are schema paths.
import type { FieldIssue } from '../shared/errors.js';
import type { ScreeningQuestion } from '../shared/model/assessment-terms.js';
import {
  LEGAL_REGIME_LABELS,
  LEGAL_REGIMES,
  PLACE_TYPE_LABELS,
  PLACE_TYPES,
  SCREENING_QUESTIONS,
} from '../shared/model/assessment-terms.js';
import type { ProposalInput } from '../shared/model/proposal.js';
import { GUIDING_PRINCIPLES } from '../shared/model/proposal-terms.js';
import { LIKELIHOOD_LABELS, SEVERITY_LABELS } from '../shared/model/risk.js';
import { lines, numeric, optional, text, yesNo } from './form-values.js';

/** Risk rows on the form (SPEC 10, 11), at least; an empty row is left out. */
export const RISK_ROWS = 3;
const MAX_RISK_ROWS = 100;
export const RISK_FIELDS = [
  'description',
  'likelihood',
  'severity',
  'mitigation',
  'residualLikelihood',
  'residualSeverity',
] as const;
const SCREENING_KEYS = Object.keys(SCREENING_QUESTIONS) as ScreeningQuestion[];

/** As many risk rows as the form says it has (a review pre-filled with more risks has more). */
export function riskRowCount(form: URLSearchParams): number {
  const n = Number(form.get('riskRows'));
  return Number.isInteger(n) && n > RISK_ROWS ? Math.min(n, MAX_RISK_ROWS) : RISK_ROWS;
}

export interface ParsedAssessment {
  raw: Record<string, unknown>;
  /** The form row of each entry of `risks`. */
  riskSources: number[];
}

/** The assessment fields of a posted form, as the schema's input (empty parts left out). */
export function parseAssessmentForm(form: URLSearchParams): ParsedAssessment {
  const risks: Record<string, unknown>[] = [];
  const riskSources: number[] = [];
  for (let row = 0; row < riskRowCount(form); row++) {
    const values = Object.fromEntries(RISK_FIELDS.map((f) => [f, text(form, `risk.${row}.${f}`)]));
    if (Object.values(values).every((v) => v.trim() === '')) continue;
    riskSources.push(row);
    risks.push({
      description: values.description,
      likelihood: numeric(values.likelihood ?? ''),
      severity: numeric(values.severity ?? ''),
      mitigation: values.mitigation,
      ...(optional(values.residualLikelihood ?? '')
        ? { residualLikelihood: numeric(values.residualLikelihood ?? '') }
        : {}),
      ...(optional(values.residualSeverity ?? '')
        ? { residualSeverity: numeric(values.residualSeverity ?? '') }
        : {}),
    });
  }
  // The checklist: left out while untouched; once begun, every principle must be answered.
  const principles = GUIDING_PRINCIPLES.map((_, i) => ({
    met: text(form, `checklist.${i}.met`),
    note: text(form, `checklist.${i}.note`),
  }));
  const checklist = principles.some((p) => p.met !== '' || p.note.trim() !== '')
    ? principles.map((p, i) => ({
        principle: i + 1,
        ...(yesNo(p.met) === undefined ? {} : { met: yesNo(p.met) }),
        ...(optional(p.note) ? { note: p.note } : {}),
      }))
    : undefined;
  const answers = SCREENING_KEYS.map((key) => [key, yesNo(text(form, `screening.${key}`))] as const);
  const screeningNote = optional(text(form, 'screening.note'));
  const screening =
    answers.some(([, a]) => a !== undefined) || screeningNote
      ? {
          ...Object.fromEntries(answers.filter(([, a]) => a !== undefined)),
          ...(screeningNote ? { note: screeningNote } : {}),
        }
      : undefined;
  const dataCategories = lines(text(form, 'dataCategories'));
  const recipients = lines(text(form, 'recipients'));
  const alternatives = optional(text(form, 'alternativesConsidered'));
  const raw: Record<string, unknown> = {
    ...(checklist ? { checklist } : {}),
    ...(alternatives ? { alternativesConsidered: alternatives } : {}),
    ...(risks.length > 0 ? { risks } : {}),
    ...(screening ? { screening } : {}),
    ...(optional(text(form, 'legalRegime')) ? { legalRegime: text(form, 'legalRegime') } : {}),
    ...(optional(text(form, 'lawfulBasis')) ? { lawfulBasis: text(form, 'lawfulBasis') } : {}),
    ...(dataCategories.length > 0 ? { dataCategories } : {}),
    ...(recipients.length > 0 ? { recipients } : {}),
  };
  return { raw, riskSources };
}

/** A schema path of the assessment as its form field and a prefix for the message, or undefined. */
export function assessmentFieldOf(
  path: string,
  riskSources: number[],
): { field: string; prefix: string } | undefined {
  const risk = /^risks\.(\d+)\.(\w+)/.exec(path);
  if (risk) return { field: `risk.${riskSources[Number(risk[1])] ?? risk[1]}.${risk[2]}`, prefix: '' };
  const principle = /^checklist\.(\d+)\.(met|note)/.exec(path);
  if (principle) return { field: `checklist.${principle[1]}.${principle[2]}`, prefix: '' };
  if (path === 'checklist') return { field: 'checklist.0.met', prefix: '' };
  const list = /^(dataCategories|recipients)\.(\d+)/.exec(path);
  if (list) return { field: list[1] as string, prefix: `Line ${Number(list[2]) + 1}: ` };
  if (path.startsWith('screening.')) return { field: path, prefix: '' };
  if (path === 'screening') return { field: 'screening.systematicMonitoring', prefix: '' };
  return undefined;
}

const RISK_LABELS: Record<(typeof RISK_FIELDS)[number], string> = {
  description: 'description',
  likelihood: 'likelihood',
  severity: 'severity',
  mitigation: 'measure',
  residualLikelihood: 'likelihood after the measure',
  residualSeverity: 'severity after the measure',
};

export const ASSESSMENT_LABELS: Record<string, string> = {
  alternativesConsidered: 'Alternatives considered',
  placeType: 'Kind of place',
  legalRegime: 'Legal regime',
  lawfulBasis: 'Lawful basis',
  dataCategories: 'Categories of data',
  recipients: 'Recipients',
  'screening.note': 'Screening note',
};

/** How the error summary names an assessment field: "Risk 2 measure", "Principle 9 met or not". */
export function assessmentFieldLabel(field: string): string | undefined {
  const risk = /^risk\.(\d+)\.(\w+)$/.exec(field);
  if (risk)
    return `Risk ${Number(risk[1]) + 1} ${RISK_LABELS[risk[2] as (typeof RISK_FIELDS)[number]] ?? risk[2]}`;
  const principle = /^checklist\.(\d+)\.(met|note)$/.exec(field);
  if (principle)
    return `Principle ${Number(principle[1]) + 1} ${principle[2] === 'met' ? 'met or not' : 'note'}`;
  const screening = /^screening\.(\w+)$/.exec(field);
  if (screening && screening[1] !== 'note')
    return `Screening: ${SCREENING_QUESTIONS[screening[1] as ScreeningQuestion] ?? screening[1]}`;
  return ASSESSMENT_LABELS[field];
}

/** One field's view: what the templates render for every input. */
export type FieldView = {
  name: string;
  id: string;
  value: string;
  errors: string[];
  invalid: boolean;
  errorId: string;
};
type Input = (name: string, fallback?: string) => FieldView;

/** What templates/pages/_assessment-fields.html is rendered with. */
export function assessmentFieldsView(form: URLSearchParams, input: Input) {
  const choice = (name: string, options: readonly { value: string; label: string }[], blank: string) => {
    const entry = input(name);
    return {
      ...entry,
      options: [
        { value: '', label: blank, selected: entry.value === '' },
        ...options.map((o) => ({ ...o, selected: entry.value === o.value })),
      ],
    };
  };
  const radios = (name: string) => {
    const entry = input(name);
    return {
      ...entry,
      yes: { id: `${entry.id}-yes`, checked: entry.value === 'yes' },
      no: { id: `${entry.id}-no`, checked: entry.value === 'no' },
    };
  };
  return {
    riskRowCount: riskRowCount(form),
    riskRows: Array.from({ length: riskRowCount(form) }, (_, row) => {
      const level = (field: (typeof RISK_FIELDS)[number], labels: Record<number, string>, blank: string) =>
        choice(
          `risk.${row}.${field}`,
          [1, 2, 3].map((n) => ({ value: String(n), label: `${n}: ${labels[n]}` })),
          blank,
        );
      return {
        number: row + 1,
        description: input(`risk.${row}.description`),
        likelihood: level('likelihood', LIKELIHOOD_LABELS, 'Choose'),
        severity: level('severity', SEVERITY_LABELS, 'Choose'),
        mitigation: input(`risk.${row}.mitigation`),
        residualLikelihood: level('residualLikelihood', LIKELIHOOD_LABELS, 'Unchanged'),
        residualSeverity: level('residualSeverity', SEVERITY_LABELS, 'Unchanged'),
      };
    }),
    alternativesConsidered: input('alternativesConsidered'),
    principles: GUIDING_PRINCIPLES.map((principle, i) => ({
      number: i + 1,
      text: principle,
      met: radios(`checklist.${i}.met`),
      note: input(`checklist.${i}.note`),
    })),
    screening: SCREENING_KEYS.map((key) => ({
      question: SCREENING_QUESTIONS[key],
      ...radios(`screening.${key}`),
    })),
    screeningNote: input('screening.note'),
    legalRegime: choice(
      'legalRegime',
      LEGAL_REGIMES.map((value) => ({ value, label: LEGAL_REGIME_LABELS[value] })),
      'Choose the legal regime',
    ),
    lawfulBasis: input('lawfulBasis'),
    dataCategories: input('dataCategories'),
    recipients: input('recipients'),
  };
}

/** The kind of place (scored when the proposal is opened, so on the new-proposal form only). */
export function placeTypeView(input: Input) {
  const entry = input('placeType');
  return {
    ...entry,
    options: [
      { value: '', label: 'Choose the kind of place', selected: entry.value === '' },
      ...PLACE_TYPES.map((value) => ({
        value,
        label: PLACE_TYPE_LABELS[value],
        selected: entry.value === value,
      })),
    ],
  };
}

/** A stored proposal's assessment as the fields of this form (a review, or completing it). */
export function assessmentFormFields(input: Partial<ProposalInput>, form: URLSearchParams): void {
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined) form.set(name, String(value));
  };
  set('alternativesConsidered', input.alternativesConsidered);
  const risks = input.risks ?? [];
  form.set('riskRows', String(Math.max(RISK_ROWS, risks.length)));
  risks.forEach((risk, row) => {
    for (const field of RISK_FIELDS) set(`risk.${row}.${field}`, risk[field]);
  });
  for (const entry of input.checklist ?? []) {
    set(`checklist.${entry.principle - 1}.met`, entry.met ? 'yes' : 'no');
    set(`checklist.${entry.principle - 1}.note`, entry.note);
  }
  if (input.screening) {
    for (const key of SCREENING_KEYS) set(`screening.${key}`, input.screening[key] ? 'yes' : 'no');
    set('screening.note', input.screening.note);
  }
  set('legalRegime', input.legalRegime);
  set('lawfulBasis', input.lawfulBasis);
  if (input.dataCategories) form.set('dataCategories', input.dataCategories.join('\n'));
  if (input.recipients) form.set('recipients', input.recipients.join('\n'));
}

export type { FieldIssue };
