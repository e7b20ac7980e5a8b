// The review item behind a review link: who may decide, until when, the approver's choice, and
// the RequestApproval task token (which never leaves the back end). Single use comes from one
// conditional update, `state = open → decided`.

import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { ConflictError, GoneError, NotFoundError } from '../shared/errors.js';
import { reviewKey } from '../shared/keys.js';
import { findLink, type LinkItems, putLink, useLink, voidLink } from '../shared/store/signed-links.js';
import { type ReviewDecision, ReviewRecord } from './record.js';

export { isExpired } from '../shared/store/signed-links.js';
// The record's zod schema is in record.ts: only reading a record parses it, so a function that
// only voids one (withdrawal, expiry) does not build it.
export { REVIEW_STATES, ReviewDecision, ReviewRecord } from './record.js';

export const REVIEWS: LinkItems<ReviewRecord> = { key: reviewKey, type: 'review' };

/** 128 random bits: the id alone grants nothing (the signature does), but it is not guessable either. */
export const newReviewId = (): string => randomBytes(16).toString('base64url');

export const createReview = (
  review: Omit<ReviewRecord, 'state' | 'decision' | 'mailMarker' | 'reminderMarker'>,
): Promise<ReviewRecord> => putLink(REVIEWS, review.reviewId, { ...review, state: 'open' });

export const findReview = (reviewId: string): Promise<ReviewRecord | undefined> =>
  findLink({ ...REVIEWS, parse: (item) => ReviewRecord.parse(item) }, reviewId);

export async function getReview(reviewId: string): Promise<ReviewRecord> {
  const review = await findReview(reviewId);
  if (!review) throw new NotFoundError('There is no review with this id: check the link in your e-mail.');
  return review;
}

/**
 * Records the approver's choice, once: `open → decided` while the link is still in date. A second
 * decision is a 409; a void or expired review a 410. Nothing is written in either case.
 */
export async function decideReview(reviewId: string, decision: ReviewDecision, now: Date): Promise<void> {
  if (await useLink(REVIEWS, reviewId, { state: 'decided', field: 'decision', value: decision }, now)) return;
  const current = await getReview(reviewId);
  throw current.state === 'decided' ? alreadyDecided() : linkGone();
}

/**
 * Takes a decision back when the workflow could not be told (a transient failure): the approver may
 * then post again. Only the decision that was just recorded is undone.
 */
export async function undoDecision(reviewId: string, decidedAt: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: reviewKey(reviewId),
      UpdateExpression: 'SET #state = :open REMOVE #decision',
      ConditionExpression: '#state = :decided AND #decision.#decidedAt = :decidedAt',
      ExpressionAttributeNames: { '#state': 'state', '#decision': 'decision', '#decidedAt': 'decidedAt' },
      ExpressionAttributeValues: { ':open': 'open', ':decided': 'decided', ':decidedAt': decidedAt },
    }),
  );
}

/**
 * Voids a review (proposal withdrawn, approval expired, or the workflow no longer waiting): its link
 * answers 410 from then on. `from` says which states may be voided; false when it was in none.
 */
export const voidReview = (
  reviewId: string,
  reason: string,
  from: readonly ReviewRecord['state'][] = ['open'],
  now = new Date(),
): Promise<boolean> => voidLink(REVIEWS, reviewId, reason, from, now);

const alreadyDecided = (): ConflictError =>
  new ConflictError('This proposal has already been decided through this link; a link can be used once.');

export const linkGone = (): GoneError =>
  new GoneError(
    'This review link has expired or been withdrawn. Ask the DPIA team to issue a new link if a decision is still needed.',
  );
