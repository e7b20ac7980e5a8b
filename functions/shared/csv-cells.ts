// Cells of every CSV the product writes. A spreadsheet runs a cell that starts with = + - @ (or a
// tab or CR before one) as a formula, so text a consultee, manager or approver typed could run on
// an auditor's machine: such a cell gets a leading apostrophe, which spreadsheets show as text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function spreadsheetSafe(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return FORMULA_START.test(value) ? `'${value}` : value;
}
