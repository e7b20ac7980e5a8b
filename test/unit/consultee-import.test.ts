// Consultees in bulk on the web form (issue 20): a range copied from a spreadsheet (tab-separated,
// header row or not), a typed CSV, and an uploaded CSV file, each line traced back for its errors.
import { describe, expect, it } from 'vitest';
import { decodeUpload, importConsultees } from '../../functions/web/consultee-import.js';
import { parseProposalForm, proposalFormView } from '../../functions/web/proposal-form.js';

describe('pasting consultees from a spreadsheet', () => {
  it('reads a tab-separated range with its header row, whatever the column order, ignoring other columns', () => {
    const pasted = [
      'Organisation\tWard\tEmail address\tName',
      'Tenterden Town Council\tNorth\tm.ashby@tenterden-tc.example\tCllr M. Ashby',
      'Kent County Council\t\tp.oakes@kent-cc.example\tCllr P. Oakes',
      '',
      'Neighbourhood Watch, Tenterden\tSouth\tnw@tenterden-nw.example\tJ. Fowler',
    ].join('\n');
    const imported = importConsultees(pasted);
    expect(imported.issues).toEqual([]);
    expect(imported.consultees).toEqual([
      {
        name: 'Cllr M. Ashby',
        email: 'm.ashby@tenterden-tc.example',
        organisation: 'Tenterden Town Council',
      },
      { name: 'Cllr P. Oakes', email: 'p.oakes@kent-cc.example', organisation: 'Kent County Council' },
      { name: 'J. Fowler', email: 'nw@tenterden-nw.example', organisation: 'Neighbourhood Watch, Tenterden' },
    ]);
    // Lines as the manager sees them in the box: the header is line 1, the blank line counts.
    expect(imported.sources).toEqual([
      { kind: 'csv', line: 2 },
      { kind: 'csv', line: 3 },
      { kind: 'csv', line: 5 },
    ]);
  });

  it('reads a range without a header as name, e-mail, organisation, and Windows line ends', () => {
    const imported = importConsultees('Cllr A\ta@t.example\tTown\r\nCllr B\tb@t.example\r\n');
    expect(imported.consultees).toEqual([
      { name: 'Cllr A', email: 'a@t.example', organisation: 'Town' },
      { name: 'Cllr B', email: 'b@t.example' },
    ]);
  });

  it('keeps typed CSV working: quotes around a comma, an unquoted organisation with commas', () => {
    const imported = importConsultees(
      '"Ashby, M.", m@t.example, Town\nCllr B, b@t.example, Parish Council, Ward 2',
    );
    expect(imported.consultees).toEqual([
      { name: 'Ashby, M.', email: 'm@t.example', organisation: 'Town' },
      { name: 'Cllr B', email: 'b@t.example', organisation: 'Parish Council, Ward 2' },
    ]);
  });

  it('names the line of a row with no e-mail, a header with no e-mail column, and a broken quote', () => {
    expect(importConsultees('Name\tEmail\nCllr A\t\nCllr B\tb@t.example').issues).toEqual([
      { path: 'consulteesCsv', message: 'Line 2: the e-mail column is empty' },
    ]);
    expect(importConsultees('Name\tOrganisation\nCllr A\tTown').issues[0]?.message).toContain(
      'no e-mail column',
    );
    expect(importConsultees('Cllr A\n').issues[0]?.message).toMatch(/^Line 1: give name, e-mail/);
    expect(importConsultees('"Cllr A, a@t.example, Town').issues[0]?.message).toContain('quot');
  });
});

describe('uploading a CSV file', () => {
  it('adds the file after the pasted lines, its errors named by the file line', () => {
    const form = new URLSearchParams({
      consulteesCsv: 'Cllr A, a@t.example',
      consulteesFile: 'Name,Email,Organisation\nCllr F,f@t.example,Parish\nCllr G,not-an-address,Parish\n',
    });
    const parsed = parseProposalForm(form);
    expect(parsed.raw.consultees).toEqual([
      { name: 'Cllr A', email: 'a@t.example' },
      { name: 'Cllr F', email: 'f@t.example', organisation: 'Parish' },
      { name: 'Cllr G', email: 'not-an-address', organisation: 'Parish' },
    ]);
    const view = proposalFormView(
      form,
      [{ path: 'consultees.2.email', message: 'Invalid email address' }],
      parsed.sources,
    );
    expect(view.errors[0]).toMatchObject({
      field: 'consulteesFile',
      summary: 'Consultee file: Uploaded file, line 3 (email): Invalid email address',
    });
    expect(view.consulteesFile.invalid).toBe(true);
  });

  it('keeps the uploaded file when the form comes back, and a newly chosen file replaces it', () => {
    const kept = new URLSearchParams({ consulteesFileKept: 'Name,Email\nCllr K,k@t.example' });
    expect(parseProposalForm(kept).raw.consultees).toEqual([{ name: 'Cllr K', email: 'k@t.example' }]);
    expect(proposalFormView(kept, [], []).consulteesFile.kept).toContain('Cllr K');
    kept.set('consulteesFile', 'Name,Email\nCllr N,n@t.example');
    expect(parseProposalForm(kept).raw.consultees).toEqual([{ name: 'Cllr N', email: 'n@t.example' }]);
  });

  it('reads a UTF-8 file with a byte-order mark, and an older Excel file in Windows-1252', () => {
    const utf8 = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode('Name,Email\nRenée,r@t.example'),
    ]);
    expect(importConsultees('', decodeUpload(utf8)).consultees).toEqual([
      { name: 'Renée', email: 'r@t.example' },
    ]);
    const latin = new Uint8Array([
      ...new TextEncoder().encode('Ren'),
      0xe9,
      ...new TextEncoder().encode('e,r@t.example'),
    ]);
    expect(importConsultees('', decodeUpload(latin)).consultees[0]?.name).toBe('Renée');
  });
});
