// The "new proposal" form: from posted fields to the SPEC §3 input that ProposalInput validates,
// and back to a view that keeps what was typed and puts each error next to its field. Field names
// are the schema's paths (`site.latitude`), so a ValidationError's path names its field.
import { GROUND_NAMES } from '../consultation/letter.js';
import { GROUND_KEYS } from '../scoring/appendix-a.js';
import type { FieldIssue } from '../shared/errors.js';
import type { ProposalInput } from '../shared/model/proposal.js';
import { CAMERA_TYPES, DEFAULT_RETENTION, MAX_RATING } from '../shared/model/proposal-terms.js';
import { dateFormat } from '../shared/uk-dates.js';
import {
  ASSESSMENT_LABELS,
  assessmentFieldLabel,
  assessmentFieldOf,
  assessmentFieldsView,
  assessmentFormFields,
  parseAssessmentForm,
  placeTypeView,
} from './assessment-form.js';
import { type ConsulteeSource, FILE_FIELD, importConsultees, uploadedText } from './consultee-import.js';
import { numeric, optional, text } from './form-values.js';

export const DEFAULT_ROWS = 2;
export { RISK_ROWS, riskRowCount } from './assessment-form.js';

const MAX_ROWS = 50;
const ZONE = 'Europe/London';

export interface ParsedForm {
  raw: Record<string, unknown>;
  sources: ConsulteeSource[];
  /** The form row of each entry of `risks`. */
  riskSources: number[];
  /** Problems found before the schema runs (a CSV line with too few columns). */
  issues: FieldIssue[];
  rows: number;
}

// What a clock in the UK shows at an instant, in the digits `<input type=datetime-local>` uses;
// built on first use (shared/uk-dates.ts dateFormat), as every formatter is.
const ukClockFormat = /* @__PURE__ */ dateFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

function ukClock(date: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const parts = ukClockFormat().formatToParts(date);
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return { year: p('year'), month: p('month'), day: p('day'), hour: p('hour'), minute: p('minute') };
}

/** A local date-time from `<input type=datetime-local>`, read as UK time, in ISO 8601 UTC. */
export function ukLocalToIso(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return optional(value);
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset at that moment (BST or GMT), from what the clock there shows.
  const shown = ukClock(new Date(guess));
  const asUtc = Date.UTC(
    Number(shown.year),
    Number(shown.month) - 1,
    Number(shown.day),
    Number(shown.hour),
    Number(shown.minute),
  );
  return new Date(guess - (asUtc - guess)).toISOString();
}

/** An ISO instant as the datetime-local value it was typed as (UK time). */
export function isoToUkLocal(iso: string): string {
  const c = ukClock(new Date(iso));
  return `${c.year}-${c.month}-${c.day}T${c.hour}:${c.minute}`;
}

export function rowCount(form: URLSearchParams): number {
  const n = Number(form.get('rows'));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_ROWS) : DEFAULT_ROWS;
}

export function parseProposalForm(form: URLSearchParams): ParsedForm {
  // Pasted lines and an uploaded CSV file (functions/web/consultee-import.ts), then the rows.
  const imported = importConsultees(text(form, 'consulteesCsv'), uploadedText(form));
  const { issues, sources } = imported;
  const consultees: Record<string, unknown>[] = imported.consultees.map((c) => ({ ...c }));
  const rows = rowCount(form);
  for (let row = 0; row < rows; row++) {
    const name = text(form, `consultee.${row}.name`);
    const email = text(form, `consultee.${row}.email`);
    const organisation = text(form, `consultee.${row}.organisation`);
    if (`${name}${email}${organisation}`.trim() === '') continue;
    sources.push({ kind: 'row', row });
    consultees.push({ name, email: optional(email), ...(optional(organisation) ? { organisation } : {}) });
  }

  const justification = Object.fromEntries(
    GROUND_KEYS.filter(
      // Major crime (policy 2026.2) only when it is rated or evidenced: older proposals have four.
      (key) =>
        key !== 'majorCrime' ||
        `${text(form, 'justification.majorCrime.rating')}${text(form, 'justification.majorCrime.evidence')}`
          .trim()
          .replace(/^0$/, '') !== '',
    ).map((key) => [
      key,
      {
        rating: numeric(text(form, `justification.${key}.rating`)) ?? 0,
        ...(optional(text(form, `justification.${key}.evidence`))
          ? { evidence: text(form, `justification.${key}.evidence`) }
          : {}),
      },
    ]),
  );
  const retention = Object.fromEntries(
    (['localDays', 'nationalDays', 'standardAccessDays'] as const).flatMap((k) => {
      const value = numeric(text(form, `retention.${k}`));
      return value === undefined ? [] : [[k, value]];
    }),
  );
  const assessment = parseAssessmentForm(form);
  const dpoName = text(form, 'dpo.name');
  const dpoEmail = text(form, 'dpo.email');
  const deadline = ukLocalToIso(text(form, 'responseDeadline'));
  const ownerRole = optional(text(form, 'owner.role'));
  const raw: Record<string, unknown> = {
    title: text(form, 'title'),
    cameraType: optional(text(form, 'cameraType')),
    publicArea: text(form, 'publicArea'),
    ...(ownerRole ? { owner: { role: ownerRole } } : {}),
    site: {
      description: text(form, 'site.description'),
      latitude: numeric(text(form, 'site.latitude')),
      longitude: numeric(text(form, 'site.longitude')),
    },
    justification,
    retention,
    consultees,
    ...(deadline ? { responseDeadline: deadline } : {}),
    approver: { name: text(form, 'approver.name'), email: optional(text(form, 'approver.email')) },
    ...(`${dpoName}${dpoEmail}`.trim() !== '' ? { dpo: { name: dpoName, email: optional(dpoEmail) } } : {}),
    ...(optional(text(form, 'placeType')) ? { placeType: text(form, 'placeType') } : {}),
    ...assessment.raw,
    ...(optional(text(form, 'reviewOf')) ? { reviewOf: text(form, 'reviewOf').trim() } : {}),
  };
  return { raw, sources, riskSources: assessment.riskSources, issues, rows };
}

/** A schema path as the form field it belongs to (consultee n maps back to its CSV line or row). */
export function fieldOf(
  path: string,
  sources: ConsulteeSource[],
  riskSources: number[] = [],
): { field: string; prefix: string } {
  const assessed = assessmentFieldOf(path, riskSources);
  if (assessed) return assessed;
  const consultee = /^consultees\.(\d+)\.(\w+)/.exec(path);
  if (consultee) {
    const source = sources[Number(consultee[1])];
    if (source?.kind === 'row') return { field: `consultee.${source.row}.${consultee[2]}`, prefix: '' };
    if (source?.kind === 'csv')
      return { field: 'consulteesCsv', prefix: `Line ${source.line} (${consultee[2]}): ` };
    if (source?.kind === 'file')
      return { field: FILE_FIELD, prefix: `Uploaded file, line ${source.line} (${consultee[2]}): ` };
  }
  if (path === 'consultees' || path.startsWith('consultees.')) return { field: 'consulteesCsv', prefix: '' };
  if (path.startsWith('retention'))
    return { field: path === 'retention' ? 'retention.localDays' : path, prefix: '' };
  if (path === 'site') return { field: 'site.description', prefix: '' };
  if (path === 'owner') return { field: 'owner.role', prefix: '' };
  return { field: path, prefix: '' };
}

const LABELS: Record<string, string> = {
  ...ASSESSMENT_LABELS,
  title: 'Title',
  cameraType: 'Camera type',
  publicArea: 'Public area',
  'owner.role': 'Accountable owner',
  'site.description': 'Site description',
  'site.latitude': 'Latitude',
  'site.longitude': 'Longitude',
  'retention.localDays': 'Kept locally',
  'retention.nationalDays': 'Kept nationally',
  'retention.standardAccessDays': 'Normal access',
  consulteesCsv: 'Consultees',
  [FILE_FIELD]: 'Consultee file',
  responseDeadline: 'Response deadline',
  'approver.name': 'Approver name',
  'approver.email': 'Approver e-mail',
  'dpo.name': 'DPO name',
  'dpo.email': 'DPO e-mail',
};

/** How the error summary names a field: "Camera type", "Serious crime evidence", "Consultee 2 e-mail". */
export function fieldLabel(field: string): string {
  const factor = /^justification\.(\w+)\.(rating|evidence)$/.exec(field);
  if (factor) return `${GROUND_NAMES[factor[1] as keyof typeof GROUND_NAMES] ?? factor[1]} ${factor[2]}`;
  const assessed = assessmentFieldLabel(field);
  if (assessed) return assessed;
  const row = /^consultee\.(\d+)\.(\w+)$/.exec(field);
  if (row) return `Consultee ${Number(row[1]) + 1} ${row[2] === 'email' ? 'e-mail' : row[2]}`;
  return LABELS[field] ?? field;
}

export const fieldId = (field: string): string => `f-${field.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** What templates/pages/app-proposal-new.html is rendered with. */
export function proposalFormView(
  form: URLSearchParams,
  issues: FieldIssue[],
  sources: ConsulteeSource[],
  riskSources: number[] = [],
) {
  const errors = issues.map((issue) => {
    const { field, prefix } = fieldOf(issue.path, sources, riskSources);
    const message = `${prefix}${inFormWords(issue.message, sources)}`;
    return { field, id: fieldId(field), message, summary: `${fieldLabel(field)}: ${message}` };
  });
  const errorsOf = (field: string) => errors.filter((e) => e.field === field).map((e) => e.message);
  const input = (name: string, fallback = '') => {
    const messages = errorsOf(name);
    return {
      name,
      id: fieldId(name),
      value: form.has(name) ? text(form, name) : fallback,
      errors: messages,
      invalid: messages.length > 0,
      errorId: `${fieldId(name)}-error`,
    };
  };
  const rows = rowCount(form);
  const cameraType = text(form, 'cameraType');
  return {
    hasErrors: errors.length > 0,
    errorCount: errors.length,
    errorSubject: 'proposal',
    errors,
    title: input('title'),
    cameraType: {
      ...input('cameraType'),
      options: CAMERA_TYPES.map((t) => ({ value: t, selected: t === cameraType })),
    },
    publicArea: input('publicArea'),
    ownerRole: input('owner.role'),
    site: {
      description: input('site.description'),
      latitude: input('site.latitude'),
      longitude: input('site.longitude'),
    },
    placeType: placeTypeView(input),
    factors: GROUND_KEYS.map((key) => {
      const rating = input(`justification.${key}.rating`, '0');
      return {
        key,
        name: GROUND_NAMES[key],
        rating: {
          ...rating,
          options: Array.from({ length: MAX_RATING + 1 }, (_, n) => ({
            value: String(n),
            selected: String(n) === rating.value,
          })),
        },
        evidence: input(`justification.${key}.evidence`),
      };
    }),
    retention: {
      localDays: input('retention.localDays', String(DEFAULT_RETENTION.localDays)),
      nationalDays: input('retention.nationalDays', String(DEFAULT_RETENTION.nationalDays)),
      standardAccessDays: input('retention.standardAccessDays', String(DEFAULT_RETENTION.standardAccessDays)),
    },
    consulteesCsv: input('consulteesCsv'),
    consulteesFile: { ...input(FILE_FIELD), kept: uploadedText(form) || null },
    rows: rows,
    consulteeRows: Array.from({ length: rows }, (_, row) => ({
      number: row + 1,
      name: input(`consultee.${row}.name`),
      email: input(`consultee.${row}.email`),
      organisation: input(`consultee.${row}.organisation`),
    })),
    moreRows: rows + 1,
    responseDeadline: input('responseDeadline'),
    approver: { name: input('approver.name'), email: input('approver.email') },
    dpo: { name: input('dpo.name'), email: input('dpo.email') },
    reviewOf: optional(text(form, 'reviewOf')) ?? null,
    ...assessmentFieldsView(form, input),
  };
}

/** A message naming another consultee by its place in the list, said as the form numbers it. */
function inFormWords(message: string, sources: ConsulteeSource[]): string {
  return message.replace(/consultee (\d+)/, (whole, n: string) => {
    const source = sources[Number(n) - 1];
    if (source?.kind === 'row') return `consultee ${source.row + 1}`;
    if (source?.kind === 'csv') return `line ${source.line} of the pasted list`;
    return whole;
  });
}

/**
 * A stored proposal as the fields of this form (issue 14: a review opens pre-filled from the
 * proposal it reviews). The deadline is left empty: a review consults afresh.
 */
export function formFromInput(input: ProposalInput, reviewOf: string): URLSearchParams {
  const form = new URLSearchParams({ rows: String(DEFAULT_ROWS), reviewOf });
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined) form.set(name, String(value));
  };
  set('title', input.title);
  set('cameraType', input.cameraType);
  set('publicArea', input.publicArea);
  set('site.description', input.site.description);
  set('site.latitude', input.site.latitude);
  set('site.longitude', input.site.longitude);
  for (const key of GROUND_KEYS) {
    set(`justification.${key}.rating`, input.justification[key]?.rating);
    set(`justification.${key}.evidence`, input.justification[key]?.evidence);
  }
  set('placeType', input.placeType);
  for (const key of ['localDays', 'nationalDays', 'standardAccessDays'] as const)
    set(`retention.${key}`, input.retention[key]);
  form.set('consulteesCsv', input.consultees.map(csvLine).join('\n'));
  set('approver.name', input.approver.name);
  set('approver.email', input.approver.email);
  set('dpo.name', input.dpo?.name);
  set('dpo.email', input.dpo?.email);
  set('owner.role', input.owner?.role);
  assessmentFormFields(input, form);
  return form;
}

/** One consultee as a line of the paste box, quoting a field that holds a comma or a quote. */
function csvLine(c: ProposalInput['consultees'][number]): string {
  const quote = (v: string) => (/[",]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [c.name, c.email, c.organisation ?? ''].map(quote).join(', ').replace(/, $/, '');
}
