// The item behind a DPO's advice link (SPEC 10): who is asked, until when, the advice once given,
// and the RequestDpoAdvice task token (which never leaves the back end). Single use comes from one
// conditional update, `open → given`; the DPO's silence voids it (`open → void`) the same way.
import { randomBytes } from 'node:crypto';
import { ConflictError, GoneError, NotFoundError } from '../shared/errors.js';
import { adviceKey } from '../shared/keys.js';
import { findLink, type LinkItems, putLink, useLink, voidLink } from '../shared/store/signed-links.js';
import { type AdviceGiven, AdviceRecord } from './record.js';

// The record's zod schema is in record.ts: only reading a record parses it, so a function that
// only voids one (withdrawal, expiry) does not build it.
export { AdviceGiven, AdviceRecord } from './record.js';

export const ADVICE: LinkItems<AdviceRecord> = { key: adviceKey, type: 'advice' };

export const newAdviceId = (): string => randomBytes(16).toString('base64url');

export const createAdvice = (
  advice: Omit<AdviceRecord, 'state' | 'given' | 'mailMarker' | 'reminderMarker' | 'voidReason'>,
): Promise<AdviceRecord> => putLink(ADVICE, advice.adviceId, { ...advice, state: 'open' });

export const findAdvice = (adviceId: string): Promise<AdviceRecord | undefined> =>
  findLink({ ...ADVICE, parse: (item) => AdviceRecord.parse(item) }, adviceId);

export async function getAdvice(adviceId: string): Promise<AdviceRecord> {
  const advice = await findAdvice(adviceId);
  if (!advice)
    throw new NotFoundError('There is no advice request with this id: check the link in your e-mail.');
  return advice;
}

/** Records the advice once, while the link is open and in date; 409 when given, 410 when void or late. */
export async function giveAdvice(adviceId: string, given: AdviceGiven, now: Date): Promise<void> {
  if (await useLink(ADVICE, adviceId, { state: 'given', field: 'given', value: given }, now)) return;
  const current = await getAdvice(adviceId);
  throw current.state === 'given' ? adviceGivenAlready() : adviceLinkGone();
}

/** Voids an open request (the DPO's time ran out, or the proposal was withdrawn); false if not open. */
export const voidAdvice = (adviceId: string, reason: string): Promise<boolean> =>
  voidLink(ADVICE, adviceId, reason);

export const adviceGivenAlready = (): ConflictError =>
  new ConflictError(
    'The advice on this proposal has already been given through this link; a link can be used once.',
  );

export const adviceLinkGone = (): GoneError =>
  new GoneError(
    'This advice link has expired or been withdrawn: the proposal has gone on to the approver without it, or was withdrawn.',
  );
