// The consultee CSV reader (functions/web/csv-rows.ts) against csv-parse, which it replaced in the
// web-proposal-create bundle (issue 17): the same cells for every kind of line a manager pastes or
// uploads, the line each row starts on, and a quote left open named by its line.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvRows, UnclosedQuoteError } from '../../functions/web/csv-rows.js';

/** csv-parse as consultee-import.ts called it before. */
const csvParse = (text: string, delimiter: string): string[][] =>
  parse(text, {
    delimiter,
    bom: true,
    trim: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
  }) as string[][];

const CASES: [string, string][] = [
  ['Name,Email,Organisation\nCllr F,f@t.example,Parish\n', ','],
  ['"Ashby, M.", m@t.example, Town\nCllr B, b@t.example, Parish Council, Ward 2', ','],
  ['Cllr B, b@t.example, "Parish, Council"', ','],
  ['  "Ashby, M."  ,  m@t.example  ', ','],
  ['Cllr "Bob" Smith, b@t.example', ','],
  ['"O""Brien, P.",p@t.example', ','],
  ['"Line one\nline two",x@t.example,Town', ','],
  ['Cllr A\ta@t.example\tTown\r\nCllr B\tb@t.example\r\n', '\t'],
  [
    'Organisation\tWard\tEmail address\tName\nTown\t\tm@t.example\tCllr M\n\nNW, Tenterden\tSouth\tnw@t.example\tJ. F',
    '\t',
  ],
  ['\t"a\tb"\t c \t', '\t'],
  ['\uFEFFName;Email\nRenée;r@t.example', ';'],
  ['a,b,\n,,\n  \nc', ','],
  ['a\rb\rc', ','],
];

describe('csvRows', () => {
  it.each(CASES)('reads %j as csv-parse did', (text, delimiter) => {
    expect(csvRows(text, delimiter).map((r) => r.cells)).toEqual(csvParse(text, delimiter));
  });

  it('keeps a comma inside quotes with spaces before them, where the small CSV packages split it', () => {
    expect(csvRows('Cllr B, b@t.example, "Parish, Council"', ',')[0]?.cells).toEqual([
      'Cllr B',
      'b@t.example',
      'Parish, Council',
    ]);
  });

  it('gives each row the line it starts on: blank lines count, a quoted line break spans two', () => {
    const rows = csvRows('Name,Email\r\n\r\n"Cllr\r\nA",a@t.example\r\nCllr B,b@t.example', ',');
    expect(rows.map((r) => [r.cells[0], r.line])).toEqual([
      ['Name', 1],
      ['Cllr\r\nA', 3],
      ['Cllr B', 5],
    ]);
  });

  it('names the line where a quote was opened and never closed, rather than losing the rows after it', () => {
    let thrown: unknown;
    try {
      csvRows('Name,Email\nCllr A,a@t.example\n"Cllr B, b@t.example\nCllr C,c@t.example', ',');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnclosedQuoteError);
    expect((thrown as UnclosedQuoteError).line).toBe(3);
    expect(() => csvParse('"Cllr B, b@t.example\nCllr C', ',')).toThrow(/Quote Not Closed/);
  });
});
