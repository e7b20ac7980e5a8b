import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import {
  CONDITIONS,
  ddb,
  expectNothingChanged,
  given,
  input,
  NOW,
  openLink,
  pageView,
  postApproval,
  postForm,
  proposal,
  RATIONALE,
  review,
  sfn,
  TASK_TOKEN,
  taskOutput,
  useReviewPageWorld,
} from '../support/review-page.js';

vi.mock('../../functions/shared/templates.js', () => import('../support/json-templates.js'));

useReviewPageWorld();

describe('the governance rules of the review form (SPEC 10, 11)', () => {
  const HIGH_RISK = {
    description: 'Function creep: reads used to track lawful protest traffic',
    likelihood: 3,
    severity: 3,
    mitigation: 'Access only for listed offence types, audited monthly.',
    residualLikelihood: 2,
    residualSeverity: 3,
  };
  const highRisk = (over: Partial<ProposalRecord> = {}) =>
    proposal({ input: { ...input, risks: [...(input.risks ?? []), HIGH_RISK] }, ...over });
  const ICO = {
    submittedOn: '2026-09-01',
    reference: 'ICO/PC/2026/0042',
    outcome: 'advice-received' as const,
    summary: 'The Commissioner advised limiting access to listed offences, as now proposed.',
    recordedBy: 'manager@police.example',
    recordedAt: new Date(NOW - 86_400_000).toISOString(),
  };
  const advised = (recommendation: 'proceed' | 'proceed-with-conditions' | 'do-not-proceed') =>
    proposal({
      dpo: {
        adviceId: 'adv-1',
        dpoName: 'Data Protection Officer',
        requestedAt: new Date(NOW - 5 * 86_400_000).toISOString(),
        expiresAt: new Date(NOW + 2 * 86_400_000).toISOString(),
        status: 'advised',
        recommendation,
        advice: 'Proceed only once the back-office link is encrypted.',
        advisedAt: new Date(NOW - 2 * 86_400_000).toISOString(),
      },
    });

  it('says at the top that the Commissioner must be consulted when a residual risk is high', async () => {
    given(review(), highRisk());
    const v = pageView(await openLink());
    expect(v.priorConsultation).toEqual({ required: true, recorded: null, missing: true });
    expect(v.risks.at(-1)).toMatchObject({
      before: { likelihood: 'Probable', severity: 'Severe', level: 'High' },
      after: { likelihood: 'Possible', severity: 'Severe', level: 'High' },
      high: true,
    });
  });

  it('refuses an approval while a high residual risk has no prior consultation, and changes nothing', async () => {
    given(review(), highRisk());
    const res = await postApproval();
    expect(res.statusCode).toBe(400);
    expect(pageView(res).form.fieldErrors.outcome).toContain('Information Commissioner must be consulted');
    expectNothingChanged();
  });

  it('still lets the approver reject it', async () => {
    given(review(), highRisk());
    const res = await postForm({ outcome: 'rejected', rationale: RATIONALE });
    expect(res.statusCode).toBe(200);
    expect(taskOutput()).toMatchObject({ outcome: 'rejected' });
  });

  it('approves once the prior consultation is recorded, and shows it', async () => {
    given(review(), highRisk({ icoConsultation: ICO }));
    const page = pageView(await openLink());
    expect(page.priorConsultation).toMatchObject({ required: true, missing: false });
    expect(page.priorConsultation.recorded).toMatchObject({
      reference: 'ICO/PC/2026/0042',
      submittedOn: '1 September 2026',
    });
    const res = await postApproval();
    expect(res.statusCode).toBe(200);
  });

  it("shows the DPO's advice and asks whether the decision accepts it", async () => {
    given(review(), advised('proceed-with-conditions'));
    const v = pageView(await openLink());
    expect(v.dpo).toMatchObject({ advised: true, recommendation: 'Proceed with conditions' });
    expect(v.dpo.advice).toContain('back-office link');
    expect(v.form.dpoAdviceAsked).toBe(true);
  });

  it('records an approval that follows the advice as accepted', async () => {
    given(review(), advised('proceed-with-conditions'));
    const unstated = await postApproval();
    expect(unstated.statusCode).toBe(400);
    expect(pageView(unstated).form.fieldErrors.dpoAdvice).toContain('accepts or overrules');
    expectNothingChanged();
    const res = await postApproval({ dpoAdvice: 'accepted' });
    expect(res.statusCode).toBe(200);
    expect(taskOutput()).toMatchObject({ outcome: 'approved', dpoAdvice: 'accepted', dpoReasons: null });
  });

  it.each([
    ['approves against advice not to proceed', 'do-not-proceed', { outcome: 'approved' }],
    ['rejects against advice to proceed', 'proceed', { outcome: 'rejected' }],
    [
      'approves without conditions against advice to proceed with conditions',
      'proceed-with-conditions',
      { conditions: '' },
    ],
  ] as const)(
    'refuses a decision that %s unless it is marked overruled (400, nothing changes)',
    async (_c, rec, fields) => {
      given(review(), proposal({ ...advised(rec), input: { ...input, checklist: undefined } }));
      const res = await postApproval(fields);
      expect(res.statusCode).toBe(400);
      expect(pageView(res).form.fieldErrors.dpoAdvice).toContain('departs from the DPO');
      expectNothingChanged();
    },
  );

  it('refuses overruling the DPO without reasons (400, nothing changes)', async () => {
    given(review(), advised('do-not-proceed'));
    const res = await postApproval({ dpoAdvice: 'overruled', dpoReasons: 'No.' });
    expect(res.statusCode).toBe(400);
    expect(pageView(res).form.fieldErrors.dpoReasons).toContain('reasons for overruling');
    expectNothingChanged();
  });

  it('records an overruling with its reasons', async () => {
    given(review(), advised('do-not-proceed'));
    const reasons =
      'The encryption is already contracted for go-live; the risk the DPO names is met by condition.';
    const res = await postApproval({ dpoAdvice: 'overruled', dpoReasons: reasons });
    expect(res.statusCode).toBe(200);
    expect(taskOutput()).toMatchObject({ outcome: 'approved', dpoAdvice: 'overruled', dpoReasons: reasons });
  });

  it('says when the DPO did not answer in time, and asks nothing about advice', async () => {
    given(
      review(),
      proposal({
        dpo: {
          adviceId: 'adv-1',
          dpoName: 'Data Protection Officer',
          requestedAt: new Date(NOW - 8 * 86_400_000).toISOString(),
          expiresAt: new Date(NOW - 86_400_000).toISOString(),
          status: 'no-response',
          timedOutAt: new Date(NOW - 86_400_000).toISOString(),
        },
      }),
    );
    const v = pageView(await openLink());
    expect(v.dpo).toMatchObject({ noResponse: true, advised: false });
    expect(v.form.dpoAdviceAsked).toBe(false);
    expect((await postApproval()).statusCode).toBe(200);
    expect(taskOutput().dpoAdvice).toBeUndefined();
  });
});

describe('what an approval needs (issue 19)', () => {
  const view400 = async (fields: Record<string, string>, p: ProposalRecord = proposal()) => {
    given(review(), p);
    const res = await postForm(fields);
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(TASK_TOKEN);
    expectNothingChanged();
    return pageView(res);
  };

  it('refuses an approval while risks and the 12 principles are missing, says so at the top, and still allows a rejection', async () => {
    const { risks: _r, checklist: _c, ...bare } = input;
    const incomplete = proposal({ input: bare as typeof input });
    given(review(), incomplete);
    const page = pageView(await openLink());
    expect(page.form.assessmentGaps).toEqual([
      'the risks to individuals, each with its measure (DPA 2018 s.64)',
      "the Surveillance Camera Code's 12 guiding principles, met or not",
    ]);
    const view = await view400(
      { outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS },
      incomplete,
    );
    expect(view.form.fieldErrors.outcome).toMatch(
      /assessment is not complete.*risks to individuals.*12 guiding principles/,
    );
    ddb.reset();
    sfn.reset();
    given(review(), incomplete);
    sfn.on(SendTaskSuccessCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const rejected = await postForm({ outcome: 'rejected', rationale: RATIONALE });
    expect(rejected.statusCode).toBe(200);
  });

  it('refuses an approval despite an objection unless the reasons address it (more than a rationale)', async () => {
    const view = await view400({
      outcome: 'approved',
      rationale: RATIONALE,
      conditions: CONDITIONS,
      consulteeResponse: 'Noted.',
    });
    expect(view.form.fieldErrors.consulteeResponse).toBe(
      '1 consultee objected: this decision departs from their views. Say how you have taken them into account, in at least 50 characters.',
    );
    expect(view.form.consulteeViews).toMatch(/1 objected and 0 supported/);
  });

  it('refuses a rejection despite support unless the reasons address it', async () => {
    const supported = proposal({
      consultation: {
        ...proposal().consultation,
        tally: { support: 2, concerns: 0, object: 0, unclassified: 0 },
      },
    });
    const view = await view400({ outcome: 'rejected', rationale: RATIONALE }, supported);
    expect(view.form.fieldErrors.consulteeResponse).toMatch(/^2 consultees supported the proposal/);
  });

  it('needs an owner and a future due date for the conditions', async () => {
    const { owner: _o, ...ownerless } = input;
    const view = await view400(
      { outcome: 'approved', rationale: RATIONALE, conditions: CONDITIONS, conditionsDue: '2020-01-01' },
      proposal({ input: ownerless as typeof input }),
    );
    expect(view.form.fieldErrors.conditionsOwner).toMatch(/Name the post/);
    expect(view.form.fieldErrors.conditionsDue).toBe('The conditions must be due after today.');
  });

  it('sends each line of the conditions as its own condition with the owner and due date given', async () => {
    given(review());
    const res = await postApproval({
      conditions: '1. Encrypt the back-office link (principle 9).\n2. Put up signage on both approaches.',
      conditionsOwner: 'Head of ANPR (Superintendent)',
      conditionsDue: '2030-03-31',
    });
    expect(res.statusCode).toBe(200);
    const output = taskOutput();
    expect(output.conditionItems).toEqual([
      {
        n: 1,
        text: 'Encrypt the back-office link (principle 9).',
        owner: 'Head of ANPR (Superintendent)',
        dueDate: '2030-03-31',
      },
      {
        n: 2,
        text: 'Put up signage on both approaches.',
        owner: 'Head of ANPR (Superintendent)',
        dueDate: '2030-03-31',
      },
    ]);
  });
});
