// The proposal's §10 fields: the checklist of the twelve guiding principles, the risks, the
// alternatives considered and the DPO, each accepted and refused with the path a manager would see.
import { describe, expect, it } from 'vitest';
import { GUIDING_PRINCIPLES } from '../../functions/shared/model/proposal.js';
import { accepted, fullChecklist, issuesOf, onlyIssue, proposal, risk } from '../support/proposal-schema.js';

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
    const checklist = fullChecklist();
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
