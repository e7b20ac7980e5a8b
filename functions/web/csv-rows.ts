// The rows of a pasted or uploaded consultee CSV (RFC 4180, read leniently, as csv-parse read it
// with bom, trim, relax_quotes, relax_column_count and skip_empty_lines): a quoted value may hold the
// delimiter, a line break and doubled quotes ("") and may have spaces around it; an unquoted value is
// trimmed and a quote inside it is an ordinary character; rows may differ in length; blank rows are
// left out; each row keeps the line it starts on. Written here, not taken from a package, for the
// size of web-proposal-create (issue 17): csv-parse was 27 KiB of its 100, and none of the small
// parsers tried reads `a, "b, c"` as two values (d3-dsv splits it at the quoted comma, csv-simple-
// parser and udsv refuse it) and names a quote left open (d3-dsv, csv-string and udsv drop or merge
// the rows after it without a word; csv-simple-parser gives no line).

export interface CsvRow {
  cells: string[];
  /** The line of the text the row starts on, from 1. */
  line: number;
}

/** A quoted value runs to the end of the text: the line it opened on. */
export class UnclosedQuoteError extends Error {
  override readonly name = 'UnclosedQuoteError';
  constructor(readonly line: number) {
    super(`line ${line}: a quoted value is not closed`);
  }
}

const QUOTE = '"';

/** The rows of `text`, its cells separated by `delimiter` (one character). */
export function csvRows(text: string, delimiter: string): CsvRow[] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  const blank = (c: string | undefined) => (c === ' ' || c === '\t') && c !== delimiter;
  const newline = (c: string | undefined) => c === '\n' || c === '\r';
  let i = 0;
  let line = 1;
  /** Past the line break at `i` (\r\n, \n or \r), counting the line. */
  const breakLine = () => {
    i += input[i] === '\r' && input[i + 1] === '\n' ? 2 : 1;
    line += 1;
  };
  while (i < input.length) {
    const row: CsvRow = { cells: [], line };
    for (;;) {
      while (blank(input[i])) i++;
      let cell = '';
      if (input[i] === QUOTE) {
        const opened = line;
        i++;
        for (;;) {
          if (i >= input.length) throw new UnclosedQuoteError(opened);
          const c = input[i] as string;
          if (c === QUOTE && input[i + 1] === QUOTE) {
            cell += QUOTE;
            i += 2;
          } else if (c === QUOTE) {
            i++;
            break;
          } else if (newline(c)) {
            const start = i;
            breakLine();
            cell += input.slice(start, i);
          } else {
            cell += c;
            i++;
          }
        }
        // Anything between the closing quote and the delimiter: spaces are dropped, the rest kept.
        const start = i;
        while (i < input.length && input[i] !== delimiter && !newline(input[i])) i++;
        cell += input.slice(start, i).trim();
      } else {
        const start = i;
        while (i < input.length && input[i] !== delimiter && !newline(input[i])) i++;
        cell = input.slice(start, i).trim();
      }
      row.cells.push(cell);
      if (input[i] === delimiter) {
        i++;
        continue;
      }
      if (newline(input[i])) breakLine();
      break;
    }
    if (row.cells.some((cell) => cell !== '')) rows.push(row);
  }
  return rows;
}
