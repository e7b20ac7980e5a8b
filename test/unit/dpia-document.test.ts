// The DPIA document (SPEC 11) from an in-memory partition: the seven ICO steps in order, the values
// a signatory reads, "Not recorded" where nothing is stored, and a public edition with none of the
// restricted strings planted in the records (the site, names, e-mail addresses).
import { describe, expect, it } from 'vitest';
import { dpiaView, renderDpia, SECTION_HEADINGS } from '../../functions/dpia/document.js';
import { footerTemplate, headerTemplate } from '../../functions/dpia/pdf.js';
import { dpiaFixture, PLANTED } from '../support/dpia.js';
import { expectPhrases } from '../support/phrases.js';

const text = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&#x2F;/g, '/')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('the full edition', () => {
  const { html, view } = renderDpia(dpiaFixture(), 'full');

  it('has the seven ICO steps in order, with a title block', () => {
    const positions = SECTION_HEADINGS.map((h) => html.indexOf(`>${h}</h2>`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text(html)).toContain('Reference DPIA-2026-0042');
    expect(text(html)).toContain('Status Approved');
    expect(html).not.toContain('DRAFT - not yet decided');
  });

  it('shows the site, the consultees by name and the people who signed', () => {
    const t = text(html);
    expectPhrases(t, [
      PLANTED.siteDescription,
      PLANTED.latitude,
      PLANTED.consulteeName,
      PLANTED.consulteeEmail,
      PLANTED.approverName,
      PLANTED.dpoName,
    ]);
  });

  it('lists the pressing-need factors, the 12 principles and the retention and access rules', () => {
    const t = text(html);
    expect(t).toContain('Score 65/100: clear');
    expect(t).toContain('scoring policy version 2026.1');
    expect(t).toContain('Serious, organised and major crime 4/5 30% 24');
    expect(view.necessity.principles).toHaveLength(12);
    expect(view.necessity.principles[8]).toMatchObject({
      met: 'Not met',
      note: expect.stringContaining('Encryption'),
    });
    expect(t).toContain('Days 1 to 90');
    // The seed letter's two tiers after normal access (issue 19: letter fidelity).
    expect(t).toContain(
      'After day 90 As above, with the authorisation of a senior officer Priority and volume crime',
    );
    expect(t).toContain(
      'Up to day 365 As above, with the authorisation of a senior officer Major investigations and counter terrorism purposes only',
    );
    expect(t).toContain('Kept nationally 365 days (twelve months)');
  });

  it('marks late and unaccepted replies as not counted', () => {
    const [first, second, third] = view.consultation.responses;
    expect(first).toMatchObject({ counted: true, notes: '' });
    expect(second).toMatchObject({ counted: false, notes: expect.stringContaining('not accepted') });
    expect(third).toMatchObject({ counted: false, notes: expect.stringContaining('Late') });
  });

  it('scores each risk before and after the measures, as the ICO template does', () => {
    expect(view.risks.map((r) => [r.likelihood, r.severity, r.level])).toEqual([
      ['Probable', 'Significant', 'High'],
      ['Possible', 'Severe', 'High'],
      ['Possible', 'Significant', 'Medium'],
    ]);
    expect(view.risks.map((r) => [r.residualLevel, r.effect, r.approved])).toEqual([
      ['Low', 'Reduced from high to low', 'Yes'],
      ['Medium', 'Reduced from high to medium', 'Yes'],
      ['Medium', 'Accepted: no change', 'Yes'],
    ]);
  });

  it('draws the 3x3 matrix with each risk in its cell, and says the same in text', () => {
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg.match(/<rect class="cell/g)).toHaveLength(9);
    expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(svg).toContain('role="img"');
    // R1 is probable (third column) and significant (middle row).
    const r1 = view.matrixBefore.markers[0];
    expect(r1?.x).toBeGreaterThan(110 + 2 * 120);
    expect(r1?.y).toBeGreaterThan(16 + 120);
    expect(r1?.y).toBeLessThan(16 + 240);
    expect(view.matrixBefore.description).toContain(
      'R1: likelihood probable, severity significant, overall high.',
    );
  });

  it('records the sign-off: DPO advice accepted, review date, and the decision hash', () => {
    expectPhrases(text(html), [
      'Measures approved by',
      'Recommendation: Proceed with conditions',
      'DPO advice accepted or overruled by',
      'Accepted.',
      'This DPIA will be kept under review by',
      'Next review by 20 October 2027',
      view.chain?.hash as string,
      'Not applicable: no residual risk is high.',
    ]);
    expect(view.chain?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the strict page rules: no scripts, no external resources, print rules', () => {
    expect(html).not.toMatch(/<script|<link|src="http|url\(/i);
    expect(html).toContain('@media print');
    expect(html).toContain('break-before: page');
    expect(html).toContain('tr, .matrix');
  });
});

describe('a proposal not yet decided, with nothing optional recorded', () => {
  const sources = dpiaFixture({ decided: false, risks: false, checklist: false, dpo: false });
  const { html, view } = renderDpia(sources, 'full');

  it('says DRAFT prominently and "Not recorded" where nothing is stored', () => {
    expect(html).toContain('DRAFT - not yet decided');
    expectPhrases(text(html), [
      'Not recorded: the proposal lists no risks.',
      'Not applicable: no risks are recorded.',
      'The proposal names no Data Protection Officer.',
      'Not yet decided: no decision record exists.',
    ]);
    expect(view.necessity.principles.every((p) => p.met === 'Not recorded')).toBe(true);
    expect(view.matrixBefore.empty).toBe(true);
  });

  it('asks for prior consultation when a residual risk stays high, until it is recorded', () => {
    const risky = dpiaFixture({ decided: false });
    risky.proposal.input.risks = [
      { description: 'Misidentification', likelihood: 3, severity: 3, mitigation: 'Manual check' },
    ];
    const before = dpiaView(risky, 'full');
    expect(before.ico).toMatchObject({ required: true, missing: true, record: null });
    risky.proposal.icoConsultation = {
      submittedOn: '2026-10-10',
      reference: 'ICO-RFA-123',
      outcome: 'advice-received',
      summary: 'Proceed with annual audit.',
      recordedBy: 'manager@police.example',
      recordedAt: '2026-11-20T10:00:00.000Z',
    };
    const after = dpiaView(risky, 'full');
    expect(after.ico.missing).toBe(false);
    expect(after.ico.record?.map((r) => r.value)).toContain('Written advice received from the Commissioner');
  });

  it('records a DPO who did not answer in time', () => {
    const late = dpiaFixture();
    const decision = late.decision as NonNullable<typeof late.decision>;
    const { dpoAdvice: _advice, ...rest } = decision;
    late.decision = {
      ...rest,
      dpoNoResponse: { requestedAt: '2026-10-15T17:01:00.000Z', timedOutAt: '2026-10-22T17:01:00.000Z' },
    };
    const rows = dpiaView(late, 'full').signOff;
    expect(rows.find((r) => r.item === 'DPO advice provided')?.notes).toContain('did not answer in time');
  });
});

describe('the assessment in steps 1, 2 and 7 (issue 19)', () => {
  const sources = dpiaFixture();
  const { html } = renderDpia(sources, 'full');
  const t = text(html);

  it('gives the screening answers in step 1, and the regime, basis, data, recipients and place in step 2', () => {
    expectPhrases(t.slice(t.indexOf('Step 1:'), t.indexOf('Step 2:')), [
      'Systematic monitoring of a publicly accessible place on a large scale Yes',
      'New technology, or a new use of an existing technology No',
    ]);
    expectPhrases(t.slice(t.indexOf('Step 2:'), t.indexOf('Step 3:')), [
      'Legal regime Data Protection Act 2018, Part 3 (law enforcement processing)',
      'Lawful basis DPA 2018 s.35(2)(b)',
      'Recipients The National ANPR Service (NAS)',
      'Kind of place Other main road (A or B road)',
      // SC Code principle 3: a contact point for access requests and complaints.
      'Access requests and complaints To ask for the information held about you',
      'ico.org.uk/make-a-complaint',
    ]);
  });

  it('lists each condition with its owner, due date and state, with the evidence once done', () => {
    const step7 = t.slice(t.indexOf('Step 7:'));
    expect(step7).toContain(
      '1 Confirm encryption at rest (principle 9) before go-live. Head of ANPR 31 December 2026 Done on',
    );
    expect(step7).toContain(`Evidence: Supplier certificate ENC-7 for ${PLANTED.siteDescription}`);
    expect(step7).toMatch(/2 Signage on both approaches .* 31 January 2099 Open/);
  });

  it('says "Not recorded" for an older proposal without them', () => {
    const older = dpiaFixture({ checklist: false });
    const t2 = text(renderDpia(older, 'full').html);
    expect(t2).toContain('Screening Not recorded.');
    expect(t2).toContain('Legal regime Not recorded');
  });
});

describe('the public edition', () => {
  const sources = dpiaFixture({ consultees: 12 });
  const { html } = renderDpia(sources, 'public');

  it('has none of the planted restricted strings', () => {
    for (const [what, value] of Object.entries(PLANTED)) {
      expect(html, what).not.toContain(value);
    }
    expect(html).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
  });

  it('still reads as the same document: steps, organisations, stances, roles and the hash', () => {
    const t = text(html);
    expectPhrases(t, SECTION_HEADINGS);
    expectPhrases(t, [
      'Consultee 1',
      'Tenterden Town Council',
      'The approver',
      'The Data Protection Officer',
      'Public area Tenterden',
      sources.decision?.hash as string,
    ]);
    expect(t).not.toContain('Summary'.concat(' ', 'Comment number'));
    expect(html).not.toContain('Comment number 2');
  });

  it('is built from its own allow-list: the view has no site and no e-mail fields', () => {
    const view = dpiaView(sources, 'public');
    expect(view.processing.site).toBeNull();
    expect(view.consultation.consultees.every((c) => c.email === null)).toBe(true);
    expect(view.consultation.responses.every((r) => r.summary === null)).toBe(true);
  });
});

describe('the printed header and footer', () => {
  it('carry the reference, the status or DRAFT, and page numbers', () => {
    const labels = {
      reference: 'DPIA-2026-0042',
      status: 'Approved',
      draft: false,
      edition: 'full' as const,
    };
    expect(headerTemplate(labels)).toContain('DPIA-2026-0042');
    expect(headerTemplate(labels)).toContain('Status: Approved');
    expect(headerTemplate({ ...labels, draft: true })).toContain('DRAFT - not yet decided');
    expect(footerTemplate(labels)).toContain('class="pageNumber"');
    expect(footerTemplate(labels)).toContain('class="totalPages"');
    expect(headerTemplate({ ...labels, reference: '<b>x</b>' })).not.toContain('<b>x</b>');
  });
});
