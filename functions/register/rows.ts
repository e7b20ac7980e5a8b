// The register's rows, the same in the HTML page, the CSV and the JSON: built from register
// entries only (never from a proposal), with the seed register's columns.
import { stringify } from 'csv-stringify/sync';
import { NOT_RECORDED } from '../dpia/words.js';
import type { CameraType } from '../shared/model/proposal-terms.js';
import type { RegisterEntry } from './entry.js';

/** Each camera type's heading, as the seed register names its systems. */
export const CAMERA_TYPE_NAMES: Record<CameraType, string> = {
  ANPR: 'Automatic Number Plate Recognition (ANPR)',
  CCTV: 'Closed Circuit Television (CCTV)',
  BWV: 'Body Worn Video (BWV)',
  DRONE: 'Drones',
  SPEED: 'Speed detection',
  OTHER: 'Other camera systems',
};

export interface RegisterRow {
  reference: string;
  cameraType: CameraType;
  purpose: string;
  publicArea: string;
  /** The accountable post, or "Not recorded". */
  accountableOwner: string;
  approvedOn: string;
  lastReview: string;
  /** Null only for an approval recorded without a review date. */
  nextReview: string | null;
  /** The public edition of the DPIA: absolute when the deployment's base URL is known. */
  dpiaUrl: string;
}

export const publicDpiaPath = (reference: string): string =>
  `/register/${encodeURIComponent(reference)}/dpia`;

export function registerRow(entry: RegisterEntry, baseUrl = ''): RegisterRow {
  return {
    reference: entry.reference,
    cameraType: entry.cameraType,
    purpose: entry.purpose,
    publicArea: entry.publicArea,
    accountableOwner: entry.ownerRole ?? NOT_RECORDED,
    approvedOn: entry.approvedOn,
    lastReview: entry.lastReviewedOn,
    nextReview: entry.nextReviewOn,
    dpiaUrl: `${baseUrl.replace(/\/+$/, '')}${publicDpiaPath(entry.reference)}`,
  };
}

const CSV_COLUMNS: (keyof RegisterRow)[] = [
  'reference',
  'cameraType',
  'purpose',
  'publicArea',
  'accountableOwner',
  'approvedOn',
  'lastReview',
  'nextReview',
  'dpiaUrl',
];

/**
 * The rows as CSV: a byte-order mark so Excel reads UTF-8 (a "Ynys Môn" stays right), a header
 * row, ISO dates, and any cell that starts like a formula (= + - @, tab or CR) prefixed with an
 * apostrophe so a spreadsheet shows it as text instead of running it.
 */
export function registerCsv(rows: readonly RegisterRow[]): string {
  return stringify(
    rows.map((row) => CSV_COLUMNS.map((column) => row[column] ?? '')),
    { bom: true, header: true, columns: CSV_COLUMNS, escape_formulas: true },
  );
}
