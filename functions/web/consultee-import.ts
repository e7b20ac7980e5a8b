// Consultees in bulk on the web form (issue 20): lines pasted from a spreadsheet (tab-separated, as
// Excel, LibreOffice and Google Sheets copy a range) or typed as CSV, and an uploaded CSV file. A
// header row naming the columns is optional; without one the columns are name, e-mail, organisation.
// csv-rows.ts does the quoting rules (a name with a comma, a quoted line break).
import type { FieldIssue } from '../shared/errors.js';
import { type CsvRow, csvRows, UnclosedQuoteError } from './csv-rows.js';

/** Where consultee n of the form came from: a line of the paste box or the file, or a one-by-one row. */
export type ConsulteeSource =
  | { kind: 'csv'; line: number }
  | { kind: 'file'; line: number }
  | { kind: 'row'; row: number };

export interface ImportedConsultee {
  name: string;
  email: string;
  organisation?: string;
}

export interface ConsulteeImport {
  consultees: ImportedConsultee[];
  sources: ConsulteeSource[];
  /** Lines that cannot be consultees at all (no e-mail column, a broken quote), before the schema runs. */
  issues: FieldIssue[];
}

type Column = 'name' | 'email' | 'organisation';

/** Header cells a spreadsheet might carry, compared without case, spaces or punctuation. */
const HEADERS: Record<string, Column> = {
  name: 'name',
  fullname: 'name',
  consultee: 'name',
  contact: 'name',
  contactname: 'name',
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  organisation: 'organisation',
  organization: 'organisation',
  org: 'organisation',
  body: 'organisation',
  council: 'organisation',
};

const normalise = (cell: string): string => cell.toLowerCase().replace(/[^a-z]/g, '');

/** The field the form puts each block in, for messages: the paste box or the file input. */
export const PASTE_FIELD = 'consulteesCsv';
export const FILE_FIELD = 'consulteesFile';
/**
 * A browser cannot refill a file input, so when the form comes back (an error elsewhere, "add
 * another consultee") the uploaded file's text rides along in this hidden field; a new file wins.
 */
export const KEPT_FIELD = 'consulteesFileKept';

/** The uploaded CSV's text: the file just chosen, else the one kept from the previous post. */
export function uploadedText(form: URLSearchParams): string {
  const chosen = form.get(FILE_FIELD) ?? '';
  return chosen.trim() !== '' ? chosen : (form.get(KEPT_FIELD) ?? '');
}

/** The consultees of the paste box and of an uploaded file, each line traced to where it came from. */
export function importConsultees(pasted: string, uploaded = ''): ConsulteeImport {
  const result: ConsulteeImport = { consultees: [], sources: [], issues: [] };
  readBlock(pasted, 'csv', PASTE_FIELD, result);
  readBlock(uploaded, 'file', FILE_FIELD, result);
  return result;
}

function readBlock(text: string, kind: 'csv' | 'file', field: string, into: ConsulteeImport): void {
  if (text.trim() === '') return;
  const where = kind === 'file' ? 'Uploaded file, line' : 'Line';
  let rows: CsvRow[];
  try {
    rows = csvRows(text, delimiterOf(text));
  } catch (error) {
    if (!(error instanceof UnclosedQuoteError)) throw error;
    into.issues.push({
      path: field,
      message: `${where} ${error.line}: a quoted value is not closed: check the quotation marks`,
    });
    return;
  }
  const header = headerOf(rows[0]?.cells ?? []);
  if (header && !header.includes('email')) {
    into.issues.push({
      path: field,
      message: 'The header row has no e-mail column: name the columns Name, Email and Organisation',
    });
    return;
  }
  for (const { cells, line } of header ? rows.slice(1) : rows) {
    const consultee = header ? byHeader(header, cells) : byPosition(cells);
    if (consultee.email === '') {
      into.issues.push({
        path: field,
        message: header
          ? `${where} ${line}: the e-mail column is empty`
          : `${where} ${line}: give name, e-mail and (optionally) organisation, separated by commas or tabs`,
      });
      continue;
    }
    into.sources.push({ kind, line });
    into.consultees.push(consultee);
  }
}

/** Tabs when the first line has one (a spreadsheet paste), semicolons for a semicolon CSV, else commas. */
function delimiterOf(text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  if (first.includes('\t')) return '\t';
  if (first.includes(';') && !first.includes(',')) return ';';
  return ',';
}

/** The column of each cell when the first row is a header (it names an e-mail column or several known ones). */
function headerOf(cells: string[]): (Column | null)[] | null {
  const columns = cells.map((c) => HEADERS[normalise(c)] ?? null);
  const known = columns.filter((c) => c !== null).length;
  if (cells.some((c) => c.includes('@'))) return null;
  return columns.includes('email') || known >= 2 ? columns : null;
}

function byHeader(header: (Column | null)[], record: string[]): ImportedConsultee {
  const value = (column: Column) => record[header.indexOf(column)]?.trim() ?? '';
  const organisation = value('organisation');
  return { name: value('name'), email: value('email'), ...(organisation ? { organisation } : {}) };
}

/** Name, e-mail, organisation; an unquoted organisation with commas in it keeps them. */
function byPosition(record: string[]): ImportedConsultee {
  const [name = '', email = '', ...rest] = record;
  const organisation = rest
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .join(', ');
  return { name, email, ...(organisation ? { organisation } : {}) };
}

/** An uploaded file's bytes as text: UTF-8 (a BOM is fine), else Windows-1252 as older Excel saves CSV. */
export function decodeUpload(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
