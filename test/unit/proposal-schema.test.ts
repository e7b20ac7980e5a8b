// The proposal schema (SPEC §3): every rule of the proposal's own fields, accepted and refused, with
// the issue path a manager would see (`consultees.3.email`) and the gist of its message. The
// deadline, the retention and the §10 assessment fields have files of their own (proposal-*.test.ts).
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/shared/errors.js';
import {
  CAMERA_TYPES,
  DEFAULT_RETENTION,
  EVIDENCE_MAX,
  EVIDENCE_MIN,
  MAX_CONSULTEES,
  ProposalInput,
} from '../../functions/shared/model/proposal.js';
import {
  accepted,
  consultee,
  consultees,
  EVIDENCE,
  example,
  issuesOf,
  onlyIssue,
  proposal,
  REMOVED,
} from '../support/proposal-schema.js';

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
    // The retention is written out first, so that a field can be added to it.
    const issue = onlyIssue(proposal({ retention: { ...DEFAULT_RETENTION }, [field]: 'unexpected' }));
    const name = field.split('.').pop();
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
