// The proposal's retention periods (SPEC §3): the national standard by default, filled in where
// partial, and refused where access would outlast the stores that hold the data.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION } from '../../functions/shared/model/proposal.js';
import { accepted, issuesOf, onlyIssue, proposal } from '../support/proposal-schema.js';

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
