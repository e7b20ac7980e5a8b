// The proposal schema (SPEC §3 and the optional §10 fields): every rule, accepted and refused, with
// the issue path a manager would see (`consultees.3.email`) and the gist of its message.
// Over 500 lines: a catalogue, one case per rule of one schema; split, the rules would be read apart.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/shared/errors.js';
import {
  CAMERA_TYPES,
  checkProposalToOpen,
  DEFAULT_MIN_CONSULTATION_DAYS,
  DEFAULT_RETENTION,
  deadlineIssue,
  EVIDENCE_MAX,
  EVIDENCE_MIN,
  GUIDING_PRINCIPLES,
  MAX_CONSULTEES,
  ProposalInput,
} from '../../functions/shared/model/proposal.js';

type Doc = { [key: string]: unknown };

const example = (name: string): Doc =>
  JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));

const EVIDENCE = 'Fourteen thefts from vehicles were reported in the car park in the last twelve months.';

/** A small, valid proposal; retention is left out on purpose so the defaults apply. */
const BASE: Doc = {
  title: 'CCTV - Station Road car park',
  cameraType: 'CCTV',
  publicArea: 'Ashford',
  site: {
    description: 'Station Road long-stay car park, lighting column 4 by the pay machines',
    latitude: 51.1465,
    longitude: 0.875,
  },
  justification: {
    nationalSecurity: { rating: 0 },
    seriousCrime: { rating: 2, evidence: EVIDENCE },
    localCrime: { rating: 4, evidence: EVIDENCE },
    communityConfidence: { rating: 3, evidence: EVIDENCE },
  },
  consultees: [
    { name: 'Cllr Jane Marsh', email: 'j.marsh@ashford-bc.example', organisation: 'Ashford Borough Council' },
    { name: 'Mr Alan Reed', email: 'a.reed@ashford-csp.example' },
  ],
  responseDeadline: '2026-12-15T17:00:00Z',
  approver: { name: 'Supt Mark Ellison', email: 'm.ellison@police.example' },
};

/** Marks a field to delete in `proposal({...})`. */
const REMOVED = Symbol('removed');

/**
 * A deep copy of the base proposal with changes applied; each key is a dotted path
 * (`justification.seriousCrime.rating`, `consultees.0.email`) and REMOVED deletes the field.
 */
function proposal(changes: Record<string, unknown> = {}): Doc {
  const doc = structuredClone(BASE);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let target = doc;
    for (const key of keys) target = target[key] as Doc;
    if (value === REMOVED) delete target[last];
    else target[last] = value;
  }
  return doc;
}

const consultee = (i: number) => ({ name: `Consultee ${i}`, email: `consultee${i}@parish.example` });
const consultees = (count: number) => Array.from({ length: count }, (_, i) => consultee(i));
const fullChecklist = () =>
  GUIDING_PRINCIPLES.map((_, i) => ({ principle: i + 1, met: true, note: `Principle ${i + 1} is met.` }));
const risk = (changes: Doc = {}) => ({
  description: 'Collateral intrusion into neighbouring gardens',
  likelihood: 2,
  severity: 2,
  mitigation: 'Privacy masking on the two nearest gardens',
  ...changes,
});

interface Issue {
  path: string;
  message: string;
}

/** The issues zod reports, with paths joined by dots; fails the test if the input is accepted. */
function issuesOf(input: unknown): Issue[] {
  const parsed = ProposalInput.safeParse(input);
  if (parsed.success) throw new Error('expected the proposal to be refused, but it was accepted');
  return parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** The single issue for the input: one mistake gives one clear problem, not a cascade. */
function onlyIssue(input: unknown): Issue {
  const issues = issuesOf(input);
  expect(issues).toHaveLength(1);
  return issues[0] as Issue;
}

/** The parsed proposal; fails the test naming every issue if refused. */
function accepted(input: unknown): ProposalInput {
  const parsed = ProposalInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`expected the proposal to be accepted, but: ${problems.join('; ')}`);
  }
  return parsed.data;
}

describe('ProposalInput: the examples and the base', () => {
  it('accepts the ANPR example with every §10 field', () => {
    const parsed = accepted(example('anpr-tenterden.json'));
    expect(parsed.cameraType).toBe('ANPR');
    expect(parsed.checklist).toHaveLength(12);
    expect(parsed.risks).toHaveLength(2);
    expect(parsed.dpo?.email).toBe('dpo@police.example');
    expect(parsed.consultees).toHaveLength(12);
  });

  it('accepts the insufficient CCTV example and gives it the national standard retention', () => {
    const parsed = accepted(example('cctv-insufficient.json'));
    expect(parsed.justification.nationalSecurity).toEqual({ rating: 0 });
    expect(parsed.retention).toEqual({ localDays: 365, nationalDays: 365, standardAccessDays: 90 });
  });

  it('accepts the base proposal used by the rest of these tests', () => {
    expect(accepted(proposal()).title).toBe('CCTV - Station Road car park');
  });
});

describe('ProposalInput: cameraType', () => {
  it.each(CAMERA_TYPES)('accepts %s', (cameraType) => {
    expect(accepted(proposal({ cameraType })).cameraType).toBe(cameraType);
  });

  it('lists exactly the six SPEC types', () => {
    expect([...CAMERA_TYPES]).toEqual(['ANPR', 'CCTV', 'BWV', 'DRONE', 'SPEED', 'OTHER']);
  });

  it.each(['anpr', 'WEBCAM', '', 'Cctv'])('refuses %j and names the allowed values', (cameraType) => {
    const issue = onlyIssue(proposal({ cameraType }));
    expect(issue.path).toBe('cameraType');
    for (const allowed of CAMERA_TYPES) expect(issue.message).toContain(allowed);
  });
});

describe('ProposalInput: ratings', () => {
  it.each([0, 1, 2, 3, 4, 5])('accepts the whole number %i', (rating) => {
    const parsed = accepted(proposal({ 'justification.seriousCrime.rating': rating }));
    expect(parsed.justification.seriousCrime.rating).toBe(rating);
  });

  it.each([6, -1, 2.5, '3', null, Number.NaN])('refuses %j with the factor path', (rating) => {
    const issue = onlyIssue(proposal({ 'justification.seriousCrime.rating': rating }));
    expect(issue.path).toBe('justification.seriousCrime.rating');
    expect(issue.message).toMatch(/whole number from 0 to 5/);
  });

  it('names the right factor for each of the four', () => {
    for (const factor of ['nationalSecurity', 'seriousCrime', 'localCrime', 'communityConfidence']) {
      const issue = onlyIssue(proposal({ [`justification.${factor}`]: { rating: 6, evidence: EVIDENCE } }));
      expect(issue.path).toBe(`justification.${factor}.rating`);
    }
  });

  it('reports a problem in each factor separately', () => {
    const issues = issuesOf(
      proposal({ 'justification.seriousCrime.rating': 7, 'justification.localCrime.rating': -2 }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'justification.seriousCrime.rating',
      'justification.localCrime.rating',
    ]);
  });

  it('asks for evidence too when a rating above 0 is given without any', () => {
    const issues = issuesOf(proposal({ 'justification.nationalSecurity.rating': 6 }));
    expect(issues.map((i) => i.path).sort()).toEqual([
      'justification.nationalSecurity.evidence',
      'justification.nationalSecurity.rating',
    ]);
  });
});

describe('ProposalInput: evidence', () => {
  it('requires evidence when the rating is above 0', () => {
    const issue = onlyIssue(proposal({ 'justification.localCrime.evidence': REMOVED }));
    expect(issue.path).toBe('justification.localCrime.evidence');
    expect(issue.message).toMatch(/at least 20 characters is required when the rating is above 0/);
  });

  it.each([1, 5])('requires evidence at rating %i as at any rating above 0', (rating) => {
    expect(onlyIssue(proposal({ 'justification.seriousCrime': { rating } })).path).toBe(
      'justification.seriousCrime.evidence',
    );
  });

  it(`refuses evidence of ${EVIDENCE_MIN - 1} characters and accepts ${EVIDENCE_MIN}`, () => {
    const short = onlyIssue(proposal({ 'justification.localCrime.evidence': 'e'.repeat(EVIDENCE_MIN - 1) }));
    expect(short.path).toBe('justification.localCrime.evidence');
    expect(short.message).toContain(`${EVIDENCE_MIN} characters`);
    accepted(proposal({ 'justification.localCrime.evidence': 'e'.repeat(EVIDENCE_MIN) }));
  });

  it('does not count surrounding spaces towards the minimum, and stores the trimmed text', () => {
    const padded = `          ${'e'.repeat(EVIDENCE_MIN - 1)}          `;
    expect(onlyIssue(proposal({ 'justification.localCrime.evidence': padded })).path).toBe(
      'justification.localCrime.evidence',
    );
    const parsed = accepted(proposal({ 'justification.localCrime.evidence': `  ${EVIDENCE}\n` }));
    expect(parsed.justification.localCrime.evidence).toBe(EVIDENCE);
  });

  it(`accepts ${EVIDENCE_MAX} characters and refuses ${EVIDENCE_MAX + 1}`, () => {
    accepted(proposal({ 'justification.localCrime.evidence': 'e'.repeat(EVIDENCE_MAX) }));
    const issue = onlyIssue(proposal({ 'justification.localCrime.evidence': 'e'.repeat(EVIDENCE_MAX + 1) }));
    expect(issue.path).toBe('justification.localCrime.evidence');
    expect(issue.message).toMatch(/at most 4000 characters/);
  });

  it('makes evidence optional at rating 0, short or absent', () => {
    accepted(proposal({ 'justification.nationalSecurity': { rating: 0 } }));
    accepted(proposal({ 'justification.nationalSecurity': { rating: 0, evidence: 'None known.' } }));
  });

  it('still refuses over-long evidence at rating 0', () => {
    const issue = onlyIssue(
      proposal({ 'justification.nationalSecurity': { rating: 0, evidence: 'e'.repeat(EVIDENCE_MAX + 1) } }),
    );
    expect(issue.path).toBe('justification.nationalSecurity.evidence');
  });

  it('refuses evidence that is not text', () => {
    expect(onlyIssue(proposal({ 'justification.localCrime.evidence': 42 })).path).toBe(
      'justification.localCrime.evidence',
    );
  });
});

describe('ProposalInput: consultees', () => {
  it(`accepts 1 and ${MAX_CONSULTEES} consultees`, () => {
    expect(accepted(proposal({ consultees: consultees(1) })).consultees).toHaveLength(1);
    expect(accepted(proposal({ consultees: consultees(MAX_CONSULTEES) })).consultees).toHaveLength(500);
  });

  it('refuses an empty list', () => {
    expect(onlyIssue(proposal({ consultees: [] }))).toEqual({
      path: 'consultees',
      message: 'At least one consultee is required',
    });
  });

  it(`refuses ${MAX_CONSULTEES + 1} consultees`, () => {
    const issue = onlyIssue(proposal({ consultees: consultees(MAX_CONSULTEES + 1) }));
    expect(issue.path).toBe('consultees');
    expect(issue.message).toMatch(/At most 500 consultees/);
  });

  it('refuses a duplicate e-mail address regardless of case, at the second occurrence', () => {
    const list = consultees(4);
    list[2] = { name: 'Same person, other spelling', email: 'CONSULTEE0@Parish.Example' };
    const issue = onlyIssue(proposal({ consultees: list }));
    expect(issue.path).toBe('consultees.2.email');
    expect(issue.message).toMatch(/Duplicate e-mail address/);
    // Counted from 1, as the form numbers its rows (issue 20: never "consultee 0").
    expect(issue.message).toContain('consultee 1');
  });

  it('reports every repeat of an address, each pointing back to the first', () => {
    const list = [consultee(0), consultee(1), consultee(0), consultee(1), consultee(0)];
    const issues = issuesOf(proposal({ consultees: list }));
    expect(issues.map((i) => i.path)).toEqual([
      'consultees.2.email',
      'consultees.3.email',
      'consultees.4.email',
    ]);
    expect(issues.map((i) => i.message.match(/consultee (\d+)$/)?.[1])).toEqual(['1', '2', '1']);
  });

  it.each(['not-an-email', 'a.example@', '@tenterden.example', 'two words@x.example', ''])(
    'refuses the address %j at its index',
    (email) => {
      const list = consultees(5);
      list[3] = { name: 'Cllr Broken Address', email };
      const issue = onlyIssue(proposal({ consultees: list }));
      expect(issue.path).toBe('consultees.3.email');
      expect(issue.message).toMatch(/Invalid email address/);
    },
  );

  it('refuses an address longer than 254 characters', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`;
    expect(email.length).toBeGreaterThan(254);
    expect(issuesOf(proposal({ 'consultees.1.email': email })).map((i) => i.path)).toContain(
      'consultees.1.email',
    );
  });

  it('makes organisation optional but refuses a blank name', () => {
    accepted(proposal({ consultees: [{ name: 'Resident', email: 'resident@home.example' }] }));
    expect(onlyIssue(proposal({ 'consultees.1.name': '   ' }))).toEqual({
      path: 'consultees.1.name',
      message: 'Required',
    });
  });
});

describe('ProposalInput: responseDeadline', () => {
  it.each([
    '2026-12-15T17:00:00Z',
    '2026-12-15T17:00:00+01:00',
    '2026-12-15T12:00:00-05:00',
    '2026-12-15T17:00:00.000Z',
  ])('accepts %s', (responseDeadline) => {
    expect(accepted(proposal({ responseDeadline })).responseDeadline).toBe(responseDeadline);
  });

  it.each(['2026-12-15', '15/12/2026', 'tomorrow', '2026-12-15T17:00:00', '2026-12-15 17:00:00Z', ''])(
    'refuses %j, showing the expected form',
    (responseDeadline) => {
      const issue = onlyIssue(proposal({ responseDeadline }));
      expect(issue.path).toBe('responseDeadline');
      expect(issue.message).toMatch(/ISO 8601 date-time with a time zone/);
      expect(issue.message).toContain('2026-12-15T17:00:00Z');
    },
  );

  it('refuses a number (epoch milliseconds) too', () => {
    expect(onlyIssue(proposal({ responseDeadline: Date.parse('2026-12-15T17:00:00Z') })).path).toBe(
      'responseDeadline',
    );
  });
});

describe('deadlineIssue', () => {
  // With no minimum: only "in the future" and the 180-day cap.
  const check = (deadline: string, now: Date) => deadlineIssue(deadline, now, 0);

  it('accepts a deadline still ahead of now', () => {
    expect(check('2026-12-15T17:00:00Z', new Date('2026-11-01T09:00:00Z'))).toBe(undefined);
  });

  it('refuses a deadline already past', () => {
    expect(check('2026-12-15T17:00:00Z', new Date('2026-12-16T09:00:00Z'))).toEqual({
      path: 'responseDeadline',
      message: 'The response deadline must be in the future',
    });
  });

  it('refuses a deadline equal to now', () => {
    const now = new Date('2026-12-15T17:00:00Z');
    expect(check('2026-12-15T17:00:00Z', now)?.path).toBe('responseDeadline');
  });

  it('honours the offset: 17:00+01:00 is 16:00 UTC', () => {
    expect(check('2026-12-15T17:00:00+01:00', new Date('2026-12-15T15:59:59Z'))).toBe(undefined);
    expect(check('2026-12-15T17:00:00+01:00', new Date('2026-12-15T16:30:00Z'))?.message).toMatch(
      /in the future/,
    );
  });

  it('one millisecond either side of the deadline', () => {
    const deadline = Date.parse('2026-12-15T17:00:00Z');
    expect(check('2026-12-15T17:00:00Z', new Date(deadline - 1))).toBe(undefined);
    expect(check('2026-12-15T17:00:00Z', new Date(deadline + 1))).toBeDefined();
  });

  it('refuses a consultation shorter than the minimum (default 14 days), saying the first allowed day', () => {
    const now = new Date('2026-12-01T09:00:00Z');
    expect(deadlineIssue('2026-12-14T17:00:00Z', now)).toEqual({
      path: 'responseDeadline',
      message:
        'The consultation must last at least 14 days: set the response deadline on or after 15 December 2026 at 09:00',
    });
    expect(deadlineIssue('2026-12-15T09:00:00Z', now)).toBe(undefined);
    expect(deadlineIssue('2026-12-05T09:00:00Z', now, 3)).toBe(undefined);
    expect(deadlineIssue('2026-12-03T09:00:00Z', now, 3)?.message).toMatch(/at least 3 days/);
  });
});

describe('checkProposalToOpen', () => {
  it('reports a too-near deadline in the same round as the other errors', () => {
    const now = new Date('2026-12-10T09:00:00Z');
    const checked = checkProposalToOpen(
      proposal({ title: '', responseDeadline: '2026-12-15T17:00:00Z' }),
      now,
      DEFAULT_MIN_CONSULTATION_DAYS,
    );
    expect(checked.ok).toBe(false);
    const paths = checked.ok ? [] : checked.issues.map((i) => i.path);
    expect(paths).toEqual(['title', 'responseDeadline']);
  });

  it('opens a proposal whose deadline is far enough ahead', () => {
    const checked = checkProposalToOpen(proposal(), new Date('2026-11-01T09:00:00Z'), 14);
    expect(checked.ok).toBe(true);
  });
});

describe('ProposalInput: retention', () => {
  it('defaults to the national standard 365/365/90 when omitted', () => {
    expect(DEFAULT_RETENTION).toEqual({ localDays: 365, nationalDays: 365, standardAccessDays: 90 });
    expect(accepted(proposal()).retention).toEqual({
      localDays: 365,
      nationalDays: 365,
      standardAccessDays: 90,
    });
  });

  it('fills an empty or partial retention from the standard', () => {
    expect(accepted(proposal({ retention: {} })).retention).toEqual(DEFAULT_RETENTION);
    expect(accepted(proposal({ retention: { localDays: 180 } })).retention).toEqual({
      localDays: 180,
      nationalDays: 365,
      standardAccessDays: 90,
    });
    expect(accepted(proposal({ retention: { standardAccessDays: 30 } })).retention).toEqual({
      localDays: 365,
      nationalDays: 365,
      standardAccessDays: 30,
    });
  });

  it('keeps explicit values', () => {
    const retention = { localDays: 31, nationalDays: 730, standardAccessDays: 28 };
    expect(accepted(proposal({ retention })).retention).toEqual(retention);
  });

  it('refuses normal access longer than both stores keep the data', () => {
    const issue = onlyIssue(
      proposal({ retention: { localDays: 30, nationalDays: 60, standardAccessDays: 90 } }),
    );
    expect(issue.path).toBe('retention.standardAccessDays');
    expect(issue.message).toMatch(/cannot last longer than the data is kept/);
  });

  it('refuses a partial retention whose filled-in access period outlasts the stores', () => {
    expect(onlyIssue(proposal({ retention: { localDays: 30, nationalDays: 30 } })).path).toBe(
      'retention.standardAccessDays',
    );
  });

  it('accepts normal access equal to the longer store, or longer than only one of them', () => {
    accepted(proposal({ retention: { localDays: 90, nationalDays: 30, standardAccessDays: 90 } }));
    accepted(proposal({ retention: { localDays: 30, nationalDays: 400, standardAccessDays: 365 } }));
  });

  // Issue 20: the message names the field in people's words, never the JSON key.
  it.each([
    ['localDays', 0, /^Days kept locally must be a whole number of days from 1 to 36500$/],
    ['nationalDays', 36501, /^Days kept nationally must be a whole number of days from 1 to 36500$/],
    ['localDays', 1.5, /^Days kept locally must be a whole number of days/],
    ['nationalDays', '365', /^Days kept nationally must be a whole number of days/],
  ])('refuses %s = %j', (field, value, message) => {
    const issues = issuesOf(proposal({ retention: { localDays: 400, nationalDays: 400, [field]: value } }));
    const issue = issues.find((i) => i.path === `retention.${field}`);
    expect(issue?.message).toMatch(message);
    expect(issue?.message).not.toContain(field);
  });

  it('refuses an unknown retention field', () => {
    const issue = onlyIssue(proposal({ retention: { localDays: 365, archiveDays: 3650 } }));
    expect(issue.path).toBe('retention');
    expect(issue.message).toContain('archiveDays');
  });
});

describe('ProposalInput: site', () => {
  it('accepts the extremes of latitude and longitude', () => {
    for (const [latitude, longitude] of [
      [-90, -180],
      [90, 180],
      [0, 0],
    ]) {
      accepted(proposal({ 'site.latitude': latitude, 'site.longitude': longitude }));
    }
  });

  it.each([90.0001, -90.5, 180])('refuses latitude %j', (latitude) => {
    expect(onlyIssue(proposal({ 'site.latitude': latitude })).path).toBe('site.latitude');
  });

  it.each([180.0001, -181, 360])('refuses longitude %j', (longitude) => {
    expect(onlyIssue(proposal({ 'site.longitude': longitude })).path).toBe('site.longitude');
  });

  it('refuses coordinates given as text', () => {
    const issue = onlyIssue(proposal({ 'site.latitude': '51.1465' }));
    expect(issue.path).toBe('site.latitude');
    expect(issue.message).toMatch(/Latitude must be a number/);
  });

  it('requires a description', () => {
    expect(onlyIssue(proposal({ 'site.description': REMOVED }))).toEqual({
      path: 'site.description',
      message: 'Required',
    });
  });
});

describe('ProposalInput: unknown fields', () => {
  it('refuses an unknown top-level field, naming it', () => {
    expect(onlyIssue(proposal({ priority: 'high' }))).toEqual({
      path: '',
      message: 'Unknown field: priority',
    });
  });

  it('names every unknown field at once', () => {
    const issue = onlyIssue(proposal({ priority: 'high', postcode: 'TN30 6AA' }));
    expect(issue.message).toMatch(/^Unknown fields: /);
    expect(issue.message).toContain('priority');
    expect(issue.message).toContain('postcode');
  });

  it.each([
    ['site.postcode', 'site'],
    ['justification.antisocialBehaviour', 'justification'],
    ['justification.seriousCrime.source', 'justification.seriousCrime'],
    ['consultees.1.phone', 'consultees.1'],
    ['approver.rank', 'approver'],
    ['retention.archiveDays', 'retention'],
  ])('refuses %s at %s', (field, path) => {
    const input = proposal({ retention: { ...DEFAULT_RETENTION } });
    const keys = field.split('.');
    const name = keys.pop() as string;
    let target = input;
    for (const key of keys) target = target[key] as Doc;
    target[name] = 'unexpected';
    const issue = onlyIssue(input);
    expect(issue.path).toBe(path);
    expect(issue.message).toBe(`Unknown field: ${name}`);
  });

  it('spots a misspelt field as unknown as well as the real one as missing', () => {
    const issues = issuesOf(proposal({ title: REMOVED, titel: 'CCTV - Station Road car park' }));
    expect(issues).toContainEqual({ path: '', message: 'Unknown field: titel' });
    expect(issues).toContainEqual({ path: 'title', message: 'Required' });
  });
});

describe('ProposalInput: required fields', () => {
  it.each(['title', 'cameraType', 'publicArea', 'site', 'justification', 'consultees', 'approver'])(
    'says Required for a missing %s',
    (field) => {
      expect(onlyIssue(proposal({ [field]: REMOVED }))).toEqual({ path: field, message: 'Required' });
    },
  );

  it.each(['justification.communityConfidence', 'consultees.0.name', 'approver.name', 'site.description'])(
    'says Required for a missing %s',
    (path) => {
      expect(onlyIssue(proposal({ [path]: REMOVED }))).toEqual({ path, message: 'Required' });
    },
  );

  it.each([
    'responseDeadline',
    'approver.email',
    'consultees.0.email',
    'site.longitude',
    'justification.localCrime.rating',
  ])('names the path of a missing %s', (path) => {
    expect(onlyIssue(proposal({ [path]: REMOVED })).path).toBe(path);
  });

  it('refuses a document that is not an object', () => {
    for (const input of [null, [], 'proposal', 42]) {
      expect(issuesOf(input)[0]?.path).toBe('');
    }
  });

  it('refuses blank or too-short text after trimming', () => {
    expect(onlyIssue(proposal({ title: '  ab  ' }))).toEqual({
      path: 'title',
      message: 'Must be at least 3 characters',
    });
    expect(onlyIssue(proposal({ publicArea: 'X' })).message).toBe('Must be at least 2 characters');
    expect(onlyIssue(proposal({ title: 't'.repeat(201) })).message).toBe('Must be at most 200 characters');
    expect(accepted(proposal({ title: '  CCTV - Station Road  ' })).title).toBe('CCTV - Station Road');
  });

  it('gives the API the same dotted paths through ValidationError (SPEC §3)', () => {
    const list = consultees(4);
    list[3] = { name: 'Cllr Broken Address', email: 'nobody' };
    const parsed = ProposalInput.safeParse(proposal({ consultees: list, priority: 'high' }));
    if (parsed.success) throw new Error('expected a refusal');
    const error = ValidationError.fromZod(parsed.error);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['(root)', 'consultees.3.email']);
    expect(error.issues).toContainEqual({ path: '(root)', message: 'Unknown field: priority' });
    expect(error.status).toBe(400);
  });
});

describe('ProposalInput: §10 checklist', () => {
  it('accepts the twelve principles once each, in any order', () => {
    expect(GUIDING_PRINCIPLES).toHaveLength(12);
    expect(accepted(proposal({ checklist: fullChecklist() })).checklist).toHaveLength(12);
    const reversed = fullChecklist().reverse();
    reversed[0] = { principle: 12, met: false, note: 'Reference database accuracy to be audited.' };
    accepted(proposal({ checklist: reversed }));
    accepted(proposal({ checklist: fullChecklist().map(({ principle, met }) => ({ principle, met })) }));
  });

  it.each([0, 11, 13])('refuses a checklist of %i entries', (count) => {
    const checklist = [...fullChecklist(), ...fullChecklist()].slice(0, count);
    const issues = issuesOf(proposal({ checklist }));
    expect(issues[0]).toEqual({
      path: 'checklist',
      message: 'The checklist covers each of the 12 guiding principles once',
    });
  });

  it('refuses a principle listed twice, at the repeat', () => {
    const checklist = fullChecklist();
    checklist[5] = { principle: 2, met: true, note: 'Copied by mistake.' };
    expect(onlyIssue(proposal({ checklist }))).toEqual({
      path: 'checklist.5.principle',
      message: 'Principle 2 is listed twice',
    });
  });

  it.each([13, 0, 1.5])('refuses principle number %j', (principle) => {
    const checklist = fullChecklist();
    checklist[11] = { principle, met: true, note: '' };
    expect(onlyIssue(proposal({ checklist })).path).toBe('checklist.11.principle');
  });

  it('says principles are numbered 1 to 12 when one is too high', () => {
    const checklist = fullChecklist();
    checklist[11] = { principle: 13, met: true, note: '' };
    expect(onlyIssue(proposal({ checklist })).message).toBe('Principles are numbered 1 to 12');
  });

  it('needs met to be true or false, and refuses unknown entry fields', () => {
    const checklist: Doc[] = fullChecklist();
    checklist[0] = { principle: 1, met: 'yes' };
    checklist[1] = { principle: 2, met: true, owner: 'ANPR manager' };
    const issues = issuesOf(proposal({ checklist }));
    expect(issues.map((i) => i.path)).toEqual(['checklist.0.met', 'checklist.1']);
    expect(issues[1]?.message).toBe('Unknown field: owner');
  });
});

describe('ProposalInput: §10 risks, alternatives and DPO', () => {
  it('accepts risks with likelihood and severity 1 to 3', () => {
    const risks = [1, 2, 3].map((n) => risk({ likelihood: n, severity: 4 - n }));
    expect(accepted(proposal({ risks })).risks).toHaveLength(3);
    accepted(proposal({ risks: [] }));
  });

  it.each([
    ['likelihood', 0],
    ['likelihood', 4],
    ['severity', 0],
    ['severity', 4],
  ])('refuses %s %i with a 1-to-3 message', (field, value) => {
    expect(onlyIssue(proposal({ risks: [risk(), risk({ [field]: value })] }))).toEqual({
      path: `risks.1.${field}`,
      message: 'Use a whole number: 1 (low), 2 or 3 (high)',
    });
  });

  it('refuses a fractional or textual level, and a risk without a mitigation', () => {
    expect(onlyIssue(proposal({ risks: [risk({ likelihood: 2.5 })] })).path).toBe('risks.0.likelihood');
    expect(onlyIssue(proposal({ risks: [risk({ severity: 'high' })] })).path).toBe('risks.0.severity');
    const { mitigation: _, ...unmitigated } = risk();
    expect(onlyIssue(proposal({ risks: [unmitigated] }))).toEqual({
      path: 'risks.0.mitigation',
      message: 'Required',
    });
  });

  it('refuses more than 100 risks', () => {
    const issue = onlyIssue(proposal({ risks: Array.from({ length: 101 }, () => risk()) }));
    expect(issue).toEqual({ path: 'risks', message: 'At most 100 risks' });
  });

  it('accepts alternativesConsidered as text but not blank', () => {
    accepted(proposal({ alternativesConsidered: 'Extra patrols were tried for three months.' }));
    expect(onlyIssue(proposal({ alternativesConsidered: '   ' }))).toEqual({
      path: 'alternativesConsidered',
      message: 'Required',
    });
  });

  it('accepts a DPO who is a person with a valid e-mail address', () => {
    const dpo = { name: 'Data Protection Officer', email: 'dpo@police.example' };
    expect(accepted(proposal({ dpo })).dpo).toEqual(dpo);
  });

  it('refuses a DPO with a bad address, no name, extra fields or as plain text', () => {
    const badEmail = onlyIssue(
      proposal({ dpo: { name: 'Data Protection Officer', email: 'dpo at police' } }),
    );
    expect(badEmail).toEqual({ path: 'dpo.email', message: 'Invalid email address' });
    expect(onlyIssue(proposal({ dpo: { email: 'dpo@police.example' } }))).toEqual({
      path: 'dpo.name',
      message: 'Required',
    });
    const extra = onlyIssue(proposal({ dpo: { name: 'DPO', email: 'dpo@police.example', phone: '101' } }));
    expect(extra).toEqual({ path: 'dpo', message: 'Unknown field: phone' });
    expect(onlyIssue(proposal({ dpo: 'dpo@police.example' })).path).toBe('dpo');
  });

  it('refuses an approver with a bad address', () => {
    expect(onlyIssue(proposal({ 'approver.email': 'b.example(at)police.example' }))).toEqual({
      path: 'approver.email',
      message: 'Invalid email address',
    });
  });
});

describe('ProposalInput: messages a manager can act on', () => {
  it('says Required for a missing field even where the field has its own message', () => {
    for (const path of [
      'responseDeadline',
      'approver.email',
      'site.latitude',
      'justification.localCrime.rating',
    ]) {
      expect(onlyIssue(proposal({ [path]: undefined }))).toEqual({ path, message: 'Required' });
    }
  });

  it('names the allowed range for coordinates out of range', () => {
    expect(onlyIssue(proposal({ 'site.latitude': 91 })).message).toBe(
      'Latitude must be a number from -90 to 90',
    );
    expect(onlyIssue(proposal({ 'site.longitude': -181 })).message).toBe(
      'Longitude must be a number from -180 to 180',
    );
  });
});

describe('ProposalInput: single-line fields', () => {
  it.each([
    ['title', 'ANPR camera\r\nBcc: everyone@example.test'],
    ['publicArea', 'Ashford\nCentre'],
    ['consultees.0.name', 'Cllr Jane\r\nMarsh'],
    ['consultees.1.organisation', 'Council\u0000'],
    ['approver.name', 'Supt\tMark Ellison'],
    ['dpo.name', 'Ms\u001bDPO'],
  ])('refuses a control character in %s, naming the field', (path, value) => {
    const input =
      path === 'dpo.name'
        ? { ...proposal(), dpo: { name: value, email: 'dpo@police.example' } }
        : proposal({ [path]: value });
    expect(onlyIssue(input)).toEqual({
      path,
      message: 'Must be one line, without line breaks or control characters',
    });
  });

  it('still takes line breaks where a field is prose (site description, evidence, alternatives)', () => {
    const input = accepted(
      proposal({
        'site.description': 'A2070 northbound.\nOn the existing lighting column.',
        alternativesConsidered: 'Mobile ANPR.\nBetter lighting.',
      }),
    );
    expect(input.site.description).toContain('\n');
  });

  it('refuses a control character at either end too, rather than trimming it away', () => {
    expect(onlyIssue(proposal({ title: 'Car park cameras\r\n' }))).toMatchObject({ path: 'title' });
    expect(onlyIssue(proposal({ 'consultees.1.name': '\tMr Alan Reed' }))).toMatchObject({
      path: 'consultees.1.name',
    });
    expect(accepted(proposal({ title: '  Car park cameras  ' })).title).toBe('Car park cameras');
  });

  it.each(['\u0000', '\t', '\u001b', '\u007f', '\u0085', '\u0007'])(
    "refuses the control character %j in the owner's role, which the public register shows",
    (control) => {
      expect(
        onlyIssue({ ...proposal(), owner: { role: `Head of Operations${control}(Supt)` } }),
      ).toMatchObject({
        path: 'owner.role',
        message: 'Must be one line, without line breaks or control characters',
      });
    },
  );
});
