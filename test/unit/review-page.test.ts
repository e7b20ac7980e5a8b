// The review link's page and form post (SPEC §6): what GET shows and what POST decides, once. The
// templates are replaced by a JSON dump of the view, so every value a page could show is in the body
// these tests search; the world they run in is test/support/review-page.ts.
import { randomBytes } from 'node:crypto';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { signReview } from '../../functions/review/link.js';
import { reviewKey } from '../../functions/shared/keys.js';
import { conditionFailed } from '../support/expressions.js';
import {
  CONDITIONS,
  CONSULTEE_RESPONSE,
  call,
  ddb,
  decidedReview,
  event,
  expectNothingChanged,
  form,
  given,
  input,
  KEY,
  NOW,
  openLink,
  pageView,
  postApproval,
  postForm,
  proposal,
  RATIONALE,
  REVIEW_ID,
  review,
  SIG,
  sfn,
  TASK_TOKEN,
  taskOutput,
  useReviewPageWorld,
  writes,
} from '../support/review-page.js';

vi.mock('../../functions/shared/templates.js', () => import('../support/json-templates.js'));

useReviewPageWorld();

describe('GET /review/{reviewId}', () => {
  it('shows the proposal in full, with the site, the factors, every reply and the form', async () => {
    given(review());
    const res = await openLink();
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<!-- review -->');
    const view = pageView(res);
    expect(view.site).toEqual(input.site);
    expect(view.pressingNeed).toMatchObject({ score: 65, band: 'clear', policyVersion: '2026.1' });
    expect(view.pressingNeed.factors).toHaveLength(4);
    expect(view.pressingNeed.factors[1]).toMatchObject({ rating: 4, weightPercent: 30, points: 24 });
    expect(view.pressingNeed.factors[1].evidence).toContain('Organised acquisitive crime');
    expect(view.consultation.tally).toEqual({ support: 0, concerns: 0, object: 1, unclassified: 0 });
    expect(view.replies).toHaveLength(2);
    expect(view.replies[0]).toMatchObject({ stance: 'Object', counted: true, late: false });
    expect(view.replies[1]).toMatchObject({ stance: 'Support', counted: false, late: true });
    expect(view.replies[1].organisation).toBe(input.consultees[1]?.organisation);
    expect(view.checklist).toHaveLength(12);
    expect(view.checklist[8]).toMatchObject({ principle: 9, met: false });
    expect(view.risks?.length).toBeGreaterThan(0);
    expect(view.form).toMatchObject({
      action: `/review/${REVIEW_ID}`,
      sig: SIG,
      rationaleMin: 20,
      conditionsRequiredFor: 'principle 9',
    });
    expect(view.form.reviewDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number(view.form.reviewDate.slice(0, 4))).toBe(new Date(NOW).getUTCFullYear() + 1);
    expect(view.decided).toBeNull();
    expect(res.body).not.toContain(TASK_TOKEN);
    expect(writes()).toBe(0);
  });

  it('answers 404 as a page to a review id of 3 KB, without reaching DynamoDB (it was a 500)', async () => {
    const e = event('GET', { sig: SIG });
    const long = 'x'.repeat(3000);
    const res = await call({ ...e, pathParameters: { reviewId: long }, rawPath: `/review/${long}` });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('review-error');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 404 for an unknown review, as a page', async () => {
    given(undefined);
    const res = await openLink();
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('review-error');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['tampered', `${SIG.slice(0, -1)}${SIG.endsWith('A') ? 'B' : 'A'}`],
    ['for another approver', signReview(KEY, review({ approverEmail: 'someone.else@police.example' }))],
    [
      'for a later expiry',
      signReview(KEY, review({ expiresAt: new Date(NOW + 99 * 86_400_000).toISOString() })),
    ],
    ['made with another key', signReview(randomBytes(32), review())],
  ])('answers 403 to a %s signature and shows nothing of the proposal', async (_case, sig) => {
    given(review());
    const res = await call(event('GET', sig === undefined ? {} : { sig }));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('review-error');
    expect(res.body).not.toContain(input.site.description);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    ['the link has expired', review({ expiresAt: new Date(NOW - 1000).toISOString() }), proposal()],
    ['the review was voided', review({ state: 'void', voidReason: 'expired' }), proposal()],
    ['the proposal was withdrawn', review(), proposal({ status: 'withdrawn' })],
    ['the approval expired', review(), proposal({ status: 'expired' })],
  ])('answers 410 when %s', async (_case, r, p) => {
    given(r, p);
    const res = await call(event('GET', { sig: signReview(KEY, r) }));
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('review-error');
    expect(res.body).not.toContain(input.site.description);
  });

  it('says on the 410 page that the proposal was withdrawn and why, without the site or who withdrew it', async () => {
    const withdrawn = proposal({
      status: 'withdrawn',
      withdrawal: {
        at: new Date(NOW - 3600_000).toISOString(),
        by: 'j.manager@police.example',
        reason: `The highway authority is rebuilding the junction at ${input.site.description}; we will propose again.`,
      },
    });
    given(review({ state: 'void', voidReason: 'withdrawn' }), withdrawn);
    const res = await openLink();
    expect(res.statusCode).toBe(410);
    const view = JSON.parse(res.body.replace('<!-- review-error -->', ''));
    expect(view.heading).toBe('This proposal was withdrawn');
    expect(view.message).toContain('DPIA-2026-0007 was withdrawn by the DPIA team on');
    expect(view.message).toContain('The highway authority is rebuilding the junction at');
    expect(view.message).not.toContain(input.site.description);
    expect(view.message).not.toContain('j.manager');
  });

  it('answers 409 once decided, with a page saying who decided what and when instead of the form', async () => {
    const decidedAt = new Date(NOW - 3600_000).toISOString();
    given(decidedReview('approved', decidedAt));
    const res = await openLink();
    expect(res.statusCode).toBe(409);
    expect(res.headers?.['content-type']).toMatch(/^text\/html/);
    const view = pageView(res);
    expect(view.form).toBeNull();
    expect(view.decided).toMatchObject({
      outcome: 'approved',
      decidedByName: 'Ch Supt Sarah Okafor',
      decidedBy: 's.okafor@police.example',
      rationale: RATIONALE,
      reviewDate: '1 December 2027',
    });
    expect(res.body).not.toContain(TASK_TOKEN);
  });
});

describe('POST /review/{reviewId}', () => {
  it('records the decision once, sends it with the task token, and confirms', async () => {
    given(review());
    const res = await postApproval();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<!-- review-confirmation -->');
    expect(res.body).not.toContain(TASK_TOKEN);

    const [update] = ddb.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      Key: reviewKey(REVIEW_ID),
      ConditionExpression: expect.stringContaining('#state = :open'),
    });
    const [sent] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(sent?.args[0].input.taskToken).toBe(TASK_TOKEN);
    const output = JSON.parse(sent?.args[0].input.output ?? '{}');
    expect(output).toEqual({
      outcome: 'approved',
      rationale: RATIONALE,
      conditions: CONDITIONS,
      // Issue 19: the objection answered, and the condition with its owner (the accountable post by
      // default) and due date (three months on by default).
      consulteeViews: { departsFrom: 'objections', count: 1, response: CONSULTEE_RESPONSE },
      conditionItems: [
        {
          n: 1,
          text: CONDITIONS,
          owner: input.owner?.role,
          dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        },
      ],
      reviewDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      decidedBy: 's.okafor@police.example',
      decidedAt: expect.any(String),
    });
    expect(Number(output.reviewDate.slice(0, 4))).toBe(new Date().getUTCFullYear() + 1);
  });

  it('reads a form API Gateway left as text, keeps conditions and a chosen review date', async () => {
    given(review());
    await call(
      event('POST', {
        base64: false,
        body: form({
          sig: SIG,
          outcome: 'approved',
          rationale: RATIONALE,
          conditions: '  Link encryption (principle 9) before go-live.  ',
          reviewDate: '2030-06-30',
        }),
      }),
    );
    expect(taskOutput()).toMatchObject({
      conditions: 'Link encryption (principle 9) before go-live.',
      reviewDate: '2030-06-30',
    });
  });

  it('gives a rejection no review date', async () => {
    given(review());
    await postForm({ outcome: 'rejected', rationale: RATIONALE, reviewDate: '2030-01-01' });
    expect(taskOutput()).toMatchObject({ outcome: 'rejected', reviewDate: null });
  });

  it.each([
    ['a rationale under 20 characters', { outcome: 'approved', rationale: 'Looks fine to me.' }, 'rationale'],
    ['no rationale', { outcome: 'approved' }, 'rationale'],
    ['no outcome', { rationale: RATIONALE }, 'outcome'],
    ['an unknown outcome', { outcome: 'maybe', rationale: RATIONALE }, 'outcome'],
    [
      'a review date that is not a date',
      { outcome: 'approved', rationale: RATIONALE, reviewDate: 'next year' },
      'reviewDate',
    ],
    [
      'a review date in the past',
      { outcome: 'approved', rationale: RATIONALE, reviewDate: '2020-01-01' },
      'reviewDate',
    ],
    [
      'an approval without conditions while principle 9 of the Code is not met',
      { outcome: 'approved', rationale: RATIONALE },
      'conditions',
    ],
    [
      'an approval whose conditions are only spaces while principle 9 is not met',
      { outcome: 'approved', rationale: RATIONALE, conditions: '   ' },
      'conditions',
    ],
  ])(
    'answers 400 to %s, re-renders the form with the error and changes nothing',
    async (_case, fields, field) => {
      given(review());
      const res = await postForm(fields);
      expect(res.statusCode).toBe(400);
      const view = pageView(res);
      expect(view.hasErrors).toBe(true);
      expect(view.form.fieldErrors[field]).toEqual(expect.any(String));
      expect(view.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(view.form.sig).toBe(SIG);
      if ('rationale' in fields) expect(view.form.rationale).toBe(fields.rationale);
      if (field === 'conditions') expect(view.form.fieldErrors.conditions).toContain('principle 9');
      expect(res.body).not.toContain(TASK_TOKEN);
      expectNothingChanged();
    },
  );

  it('answers 403 to a tampered signature and changes nothing', async () => {
    given(review());
    const bad = `${SIG.slice(0, 10)}${SIG[10] === 'x' ? 'y' : 'x'}${SIG.slice(11)}`;
    const res = await call(
      event('POST', { body: form({ sig: bad, outcome: 'approved', rationale: RATIONALE }) }),
    );
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('review-error');
    expectNothingChanged();
  });

  it('answers 403 when the signature came only in the query string, not the form', async () => {
    given(review());
    const res = await call(
      event('POST', { sig: SIG, body: form({ outcome: 'approved', rationale: RATIONALE }) }),
    );
    expect(res.statusCode).toBe(403);
    expectNothingChanged();
  });

  it('answers 410 to an expired link and changes nothing', async () => {
    const r = review({ expiresAt: new Date(NOW - 1000).toISOString() });
    given(r);
    const res = await call(
      event('POST', { body: form({ sig: signReview(KEY, r), outcome: 'approved', rationale: RATIONALE }) }),
    );
    expect(res.statusCode).toBe(410);
    expectNothingChanged();
  });

  it('answers 410 when the proposal was withdrawn and changes nothing', async () => {
    given(review(), proposal({ status: 'withdrawn' }));
    const res = await postApproval();
    expect(res.statusCode).toBe(410);
    expectNothingChanged();
  });

  it('answers 409 to a second post and changes nothing', async () => {
    given(decidedReview('approved', new Date(NOW - 60_000).toISOString()));
    const res = await postForm({ outcome: 'rejected', rationale: RATIONALE });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('already approved by Ch Supt Sarah Okafor');
    expectNothingChanged();
  });

  it('answers 409 when another post won the race, without telling the workflow twice', async () => {
    const decided = decidedReview('rejected', new Date(NOW).toISOString());
    given(review());
    ddb
      .on(GetCommand, { Key: reviewKey(REVIEW_ID) })
      .resolvesOnce({ Item: { ...reviewKey(REVIEW_ID), ...review() } })
      .resolves({ Item: { ...reviewKey(REVIEW_ID), ...decided } });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    const res = await postApproval();
    expect(res.statusCode).toBe(409);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('answers 410 and voids the link when the workflow stopped waiting (approval timed out)', async () => {
    given(review());
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('timed out'), { name: 'TaskTimedOut' }));
    const res = await postApproval();
    expect(res.statusCode).toBe(410);
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.at(-1)?.ExpressionAttributeValues).toMatchObject({ ':void': 'void', ':from0': 'decided' });
  });

  it('takes the decision back when the workflow could not be told, so the approver can post again', async () => {
    given(review());
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('boom'), { name: 'ServiceUnavailable' }));
    const res = await postApproval();
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: 'InternalError', message: expect.any(String) });
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.at(-1)).toMatchObject({ UpdateExpression: 'SET #state = :open REMOVE #decision' });
  });

  it('answers 415 to something that is not a form post', async () => {
    given(review());
    const res = await call(
      event('POST', {
        type: 'application/json',
        body: JSON.stringify({ sig: SIG, outcome: 'approved', rationale: RATIONALE }),
      }),
    );
    expect(res.statusCode).toBe(415);
    expect(res.headers?.['content-type']).toMatch(/^text\/html/);
    expectNothingChanged();
  });
});
