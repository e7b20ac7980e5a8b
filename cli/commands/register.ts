// `dpia register`: the public camera register (SPEC 11) from the API, every page of it. The
// register is public, so no token is sent: what this prints is what anyone can read.
import { CAMERA_TYPE_NAMES, type RegisterRow } from '../../functions/register/rows.js';
import type { CameraType } from '../../functions/shared/model/proposal.js';
import { type ApiOptions, type ApiResponse, explainError, reach, readAnswer } from '../api.js';
import { CliError } from '../errors.js';

export interface RegisterOptions {
  api?: string;
  format?: string;
  area?: string;
  type?: string;
}

const FORMATS = ['table', 'csv', 'json'] as const;
const PAGE = 200;

export async function registerCommand(options: RegisterOptions): Promise<string> {
  const format = options.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new CliError([`--format must be ${FORMATS.join(', ')}`]);
  }
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (options.area) query.set('area', options.area);
  if (options.type) query.set('type', options.type);
  if (format === 'csv') return (await allCsv(options, query)).trimEnd();
  const rows = await allRows(options, query);
  if (format === 'json') return JSON.stringify(rows, null, 2);
  return table(rows);
}

async function allRows(api: ApiOptions, query: URLSearchParams): Promise<RegisterRow[]> {
  const rows: RegisterRow[] = [];
  let cursor: string | null = null;
  do {
    if (cursor) query.set('cursor', cursor);
    const response = await get(api, `/register.json?${query}`);
    const page = response.body as { items: RegisterRow[]; nextCursor: string | null };
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

/** Every page's rows under the first page's header (and its byte-order mark, for Excel). */
async function allCsv(api: ApiOptions, query: URLSearchParams): Promise<string> {
  let out = '';
  let cursor: string | null = null;
  do {
    if (cursor) query.set('cursor', cursor);
    const response = await get(api, `/register.csv?${query}`);
    out += out === '' ? response.text : response.text.replace(/^\uFEFF?[^\n]*\n/, '');
    cursor = response.nextCursor;
  } while (cursor);
  return out;
}

async function get(api: ApiOptions, path: string): Promise<ApiResponse & { nextCursor: string | null }> {
  const response = await reach(api, path);
  const answer = { ...(await readAnswer(response)), nextCursor: response.headers.get('x-next-cursor') };
  if (answer.status !== 200) throw explainError(answer);
  return answer;
}

/** One block per camera type, as the register page groups them; the purpose is in json and csv. */
function table(rows: readonly RegisterRow[]): string {
  if (rows.length === 0) return 'No approved installations on the register.';
  const columns: [string, (r: RegisterRow) => string][] = [
    ['reference', (r) => r.reference],
    ['public area', (r) => r.publicArea],
    ['approved', (r) => r.approvedOn],
    ['last review', (r) => r.lastReview],
    ['next review', (r) => r.nextReview ?? 'not set'],
    ['accountable owner', (r) => r.accountableOwner],
  ];
  const widths = columns.map(([name, value]) => Math.max(name.length, ...rows.map((r) => value(r).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  let type: CameraType | null = null;
  for (const row of rows) {
    if (row.cameraType !== type) {
      type = row.cameraType;
      if (out.length > 0) out.push('');
      out.push(CAMERA_TYPE_NAMES[type], line(columns.map(([name]) => name)));
    }
    out.push(line(columns.map(([, value]) => value(row))));
  }
  out.push('', `${rows.length} approved installation${rows.length === 1 ? '' : 's'}.`);
  return out.join('\n');
}
