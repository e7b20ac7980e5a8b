// The proposal's response deadline (SPEC §3): the forms it is accepted in, and the checks made when
// a proposal opens (ahead of now, and the minimum consultation), reported with the other errors.
import { describe, expect, it } from 'vitest';
import {
  checkProposalToOpen,
  DEFAULT_MIN_CONSULTATION_DAYS,
  deadlineIssue,
} from '../../functions/shared/model/proposal.js';
import { accepted, onlyIssue, proposal } from '../support/proposal-schema.js';

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
