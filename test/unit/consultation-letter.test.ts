import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CAMERA_WORDING,
  consultationView,
  durationPhrase,
  type ProposalForLetter,
  renderConsultation,
  withoutSite,
} from '../../functions/consultation/letter.js';
import { CAMERA_TYPES, type CameraType, ProposalInput } from '../../functions/shared/model/proposal.js';
import { CAMERA_SHORT_NAMES } from '../../functions/shared/model/proposal-terms.js';
import type { RenderedMessage } from '../../functions/shared/templates.js';
import { formatUkDateTime } from '../../functions/shared/uk-dates.js';
import { expectPhrases } from '../support/phrases.js';

const REPLY = 'consult+0123456789abcdef0123456789abcdef@replies.example';

const EVIDENCE = {
  nationalSecurity: 'Evidence-NS: the corridor is a secondary route named in regional intelligence.',
  seriousCrime: 'Evidence-SC: 41 rural burglaries linked to vehicles from outside the county.',
  localCrime: 'Evidence-LC: vehicle crime in the town rose 23% year on year.',
  communityConfidence: 'Evidence-CC: parish councils raised rural crime at three CSP meetings.',
};

/** A proposal whose site is full of strings that appear nowhere else, so any leak is visible. */
function proposal(overrides: Partial<ProposalForLetter['input']> = {}): ProposalForLetter {
  return {
    reference: 'DPIA-2026-0001',
    input: {
      cameraType: 'ANPR',
      publicArea: 'Tenterden',
      site: {
        description: 'Zanzibarquux lay-by beside the Qwertyfield Lane gatepost',
        latitude: 51.0686,
        longitude: 0.6862,
      },
      justification: {
        nationalSecurity: { rating: 2, evidence: EVIDENCE.nationalSecurity },
        seriousCrime: { rating: 4, evidence: EVIDENCE.seriousCrime },
        localCrime: { rating: 4, evidence: EVIDENCE.localCrime },
        communityConfidence: { rating: 3, evidence: EVIDENCE.communityConfidence },
      },
      retention: { localDays: 365, nationalDays: 365, standardAccessDays: 90 },
      responseDeadline: '2026-12-15T17:00:00Z',
      ...overrides,
    },
  };
}

const consultee = { name: 'Cllr Margaret Ashby', organisation: 'Tenterden Town Council' };

/** The letter to the consultee about the proposal, with `overrides` over its input. */
const letter = (overrides: Partial<ProposalForLetter['input']> = {}) =>
  renderConsultation(proposal(overrides), consultee, REPLY);

/** Expects the text part and the HTML part alike to hold every phrase. */
function expectInBothParts(m: RenderedMessage, phrases: readonly string[]): void {
  for (const part of [m.text, m.html]) expectPhrases(part, phrases);
}

const everything = (m: RenderedMessage) => [m.subject, m.text, m.html].join('\n');

/** The site in every formatting a careless template or number formatter might produce. */
const SITE_TRACES = [
  'Zanzibarquux',
  'Qwertyfield',
  'gatepost',
  '51.0686',
  '51.069',
  '51.07',
  '0.6862',
  '0.686',
  '51,0686',
  '0,6862',
];

function expectNoSite(message: RenderedMessage) {
  const all = everything(message).toLowerCase();
  for (const trace of SITE_TRACES) expect(all, `mail contains "${trace}"`).not.toContain(trace.toLowerCase());
}

describe('consultation letter', () => {
  it('carries the reference in the subject', () => {
    expect(letter().subject).toBe('Consultation on the use of ANPR in Tenterden [DPIA-2026-0001]');
  });

  it('addresses the consultee by name and names only the public area', () => {
    expectInBothParts(letter(), [
      'Dear Cllr Margaret Ashby,',
      'Tenterden Town Council',
      'Tenterden',
      'we do not disclose details of our fixed camera locations',
      'Camera DPIA Team',
    ]);
  });

  it('lists the four pressing-need factors with the proposal evidence for each', () => {
    const m = letter();
    expectInBothParts(m, [
      'National security and counter terrorism',
      'Serious, organised and major crime',
      'Local crime patterns',
      'Community confidence and reassurance',
    ]);
    expectPhrases(m.text, Object.values(EVIDENCE));
    expectPhrases(m.html, [
      'Evidence-SC: 41 rural burglaries linked to vehicles from outside the county.',
      'Evidence-LC: vehicle crime in the town rose 23% year on year.',
    ]);
  });

  it('says so for a factor without evidence rather than leaving a gap', () => {
    const p = proposal();
    p.input.justification.nationalSecurity = { rating: 0 };
    const view = consultationView(p, consultee, REPLY);
    expect(view.factors[0]).toEqual({
      name: 'National security and counter terrorism',
      evidence: 'Not relied on for this proposal.',
    });
  });

  it('states the national standard retention as the seed letter does', () => {
    expectInBothParts(letter(), [
      'The data is stored locally and nationally for a period of twelve months',
      'for a maximum of 90 days from the date it was collected',
      // The seed letter's two tiers after normal access, both stated (issue 19: letter fidelity).
      'Access to data for up to twelve months needs the authorisation of a senior officer',
      'After 90 days, access may only be for priority and volume crime, serious, major or counter terrorism investigations',
      'access for up to twelve months only for major investigations and counter terrorism purposes',
    ]);
  });

  it('gives a contact point for access requests and complaints, and the ICO (SC Code principle 3)', () => {
    expectInBothParts(renderConsultation(proposal(), consultee, REPLY, 'dpia@force.example'), [
      'Your information, and complaints',
      '(a subject access request), or to complain about how we use ANPR',
      'dpia@force.example',
      "complain to the Information Commissioner's Office: ico.org.uk/make-a-complaint or 0303 123 1113",
    ]);
  });

  it('states other retention periods in days or whole years', () => {
    expectInBothParts(letter({ retention: { localDays: 30, nationalDays: 730, standardAccessDays: 14 } }), [
      'stored locally for a period of 30 days and nationally for a period of two years',
      'for a maximum of 14 days',
      'After 14 days, access may only be for priority and volume crime',
      'access for up to two years only for major investigations',
    ]);
  });

  it('leaves out extended access when normal access lasts as long as the data is kept', () => {
    const m = letter({ retention: { localDays: 31, nationalDays: 31, standardAccessDays: 31 } });
    expect(m.text).toContain('stored locally and nationally for a period of 31 days');
    expect(m.text).not.toContain('authorisation of a senior officer');
    expect(m.html).not.toContain('authorisation of a senior officer');
  });

  it('phrases durations as a reader would say them', () => {
    expect(durationPhrase(365)).toBe('twelve months');
    expect(durationPhrase(90)).toBe('90 days');
    expect(durationPhrase(1)).toBe('1 day');
    expect(durationPhrase(730)).toBe('two years');
    expect(durationPhrase(366)).toBe('366 days');
    expect(durationPhrase(36500)).toBe('100 years');
  });

  it('gives the deadline in UK local time, in winter (GMT) and in summer (BST)', () => {
    expect(formatUkDateTime('2026-12-15T17:00:00Z')).toBe('5:00pm on Tuesday 15 December 2026');
    expect(formatUkDateTime('2026-06-16T16:00:00Z')).toBe('5:00pm on Tuesday 16 June 2026');
    expect(formatUkDateTime('2026-06-16T11:30:00Z')).toBe('12:30pm on Tuesday 16 June 2026');
    // Late evening UTC is already the next day in BST.
    expect(formatUkDateTime('2026-07-31T23:15:00Z')).toBe('12:15am on Saturday 1 August 2026');
    expect(formatUkDateTime('2026-12-15T17:00:00+01:00')).toBe('4:00pm on Tuesday 15 December 2026');

    const summer = letter({ responseDeadline: '2026-06-16T16:00:00Z' });
    expect(summer.text).toContain('by 5:00pm on Tuesday 16 June 2026 (UK time)');
    expect(summer.html).toContain('5:00pm on Tuesday 16 June 2026');
    const winter = letter();
    expect(winter.text).toContain('by 5:00pm on Tuesday 15 December 2026 (UK time)');
    expect(winter.html).toContain('5:00pm on Tuesday 15 December 2026');
  });

  it('explains how to reply: a stance keyword on the first line, or in their own words', () => {
    expectInBothParts(letter(), [
      'Please reply to this e-mail',
      'on the first line of your reply',
      'SUPPORT',
      'CONCERNS',
      'OBJECT',
      'in your own words',
      '[DPIA-2026-0001]',
      REPLY,
    ]);
  });

  it.each(CAMERA_TYPES)('never discloses the site in a %s letter', (cameraType: CameraType) => {
    const m = letter({ cameraType });
    expectNoSite(m);
    const wording = CAMERA_WORDING[cameraType];
    expect(m.subject).toContain(wording.short);
    for (const paragraph of [...wording.why, ...wording.how, wording.storage])
      expect(m.text).toContain(paragraph);
    expect(m.text).toContain('Tenterden');
    expect(m.html).toContain('Tenterden');
  });

  // The outcome and withdrawal mails name the camera type from proposal-terms.ts (so their bundles
  // leave the letter's wording out): the same words as the consultation letter.
  it.each(CAMERA_TYPES)(
    'names a %s camera in the other mails as the letter does',
    (cameraType: CameraType) => {
      expect(CAMERA_SHORT_NAMES[cameraType]).toBe(CAMERA_WORDING[cameraType].short);
    },
  );

  it('builds the view from an allow-list: no site anywhere in it', () => {
    const view = consultationView(proposal(), consultee, REPLY);
    expect(Object.keys(view)).not.toContain('site');
    const json = JSON.stringify(view);
    expect(json).not.toContain('"site"');
    for (const trace of SITE_TRACES) expect(json).not.toContain(trace);
  });

  it('withholds the site when the evidence quotes it by mistake', () => {
    const p = proposal();
    p.input.justification.localCrime = {
      rating: 4,
      evidence:
        'Thefts cluster at the zanzibarquux lay-by beside the Qwertyfield Lane gatepost (51.06860, 0.686) and at 51.2, 1.1.',
    };
    const m = renderConsultation(p, consultee, REPLY);
    expectNoSite(m);
    expect(m.text).toContain(
      'Thefts cluster at the [location withheld] ([location withheld], [location withheld])',
    );
    expect(m.text).toContain('and at 51.2, 1.1.');
    expect(
      withoutSite('-0.6862 and 0.6870', { description: 'x y', latitude: 51.0686, longitude: -0.6862 }),
    ).toBe('[location withheld] and [location withheld]');
  });

  it('escapes markup from the consultee name and the evidence in the HTML part', () => {
    const p = proposal();
    p.input.justification.seriousCrime = {
      rating: 4,
      evidence: '<script>alert("evidence")</script> and <b>bold</b>',
    };
    const m = renderConsultation(p, { name: '<script>alert(1)</script>' }, REPLY);
    expect(m.html).not.toContain('<script');
    expect(m.html).not.toContain('<b>bold');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;');
    expect(m.html).toContain('&lt;script&gt;alert(&quot;evidence&quot;)&lt;');
    // The text part is plain text: shown as written, never interpreted.
    expect(m.text).toContain('Dear <script>alert(1)</script>,');
  });

  it('reads well without an organisation', () => {
    const m = renderConsultation(proposal(), { name: 'Mr J. Resident' }, REPLY);
    expect(m.text).toContain('We would like to ask for your views on the use of ANPR in Tenterden.');
  });

  it('renders the shipped Tenterden example without its site', () => {
    const input = ProposalInput.parse(JSON.parse(readFileSync('examples/anpr-tenterden.json', 'utf8')));
    for (const c of input.consultees) {
      const m = renderConsultation({ reference: 'DPIA-2026-0001', input }, c, REPLY);
      const all = everything(m);
      expect(all).not.toContain(input.site.description);
      expect(all).not.toContain('Smallhythe Road');
      expect(all).not.toContain('51.0686');
      expect(all).not.toContain('0.6862');
      expect(m.subject).toContain('[DPIA-2026-0001]');
    }
  });
});
