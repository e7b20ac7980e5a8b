// What the DPIA document's signed links (the approver's, the DPO's) read of the item behind them:
// which proposal, whose link, until when and in which state. Narrower than the review and advice
// records (review/record.ts, dpo/record.ts), which the pages behind the same links parse: the
// document's function bundles these two small schemas instead (issue 17). Not zod-messages.ts: an
// item is only ever parsed as read back, where a failure is a 500 whose messages reach nobody.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { verifyAdviceSignature } from '../dpo/link.js';
import { ADVICE_STATES } from '../dpo/states.js';
import { verifyReviewSignature } from '../review/link.js';
import { openSigned } from '../review/signed.js';
import { REVIEW_STATES } from '../review/states.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { NotFoundError } from '../shared/errors.js';
import { adviceKey, type Key, reviewKey } from '../shared/keys.js';
import { isoDateTime } from '../shared/model/iso.js';

const id = () => z.string().check(z.minLength(1));

export const ReviewLink = z.object({
  reviewId: id(),
  proposalId: id(),
  approverEmail: id(),
  expiresAt: isoDateTime({ offset: true }),
  state: z.enum(REVIEW_STATES),
});
export type ReviewLink = z.infer<typeof ReviewLink>;

export const AdviceLink = z.object({
  adviceId: id(),
  proposalId: id(),
  dpoEmail: id(),
  expiresAt: isoDateTime({ offset: true }),
  state: z.enum(ADVICE_STATES),
});
export type AdviceLink = z.infer<typeof AdviceLink>;

/** The item under `key`, parsed; 404 with the pages' own words when there is none. */
async function readLink<S extends typeof ReviewLink | typeof AdviceLink>(
  key: Key,
  schema: S,
  missing: string,
): Promise<z.infer<S>> {
  const out = await dynamo.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  if (!out.Item) throw new NotFoundError(missing);
  return schema.parse(out.Item) as z.infer<S>;
}

/** An approver's review by its signed link: 404 unknown, 403 a bad signature (review/signed.ts). */
export const openReviewLink = (reviewId: string, sig: string | null): Promise<ReviewLink> =>
  openSigned<ReviewLink>({
    kind: 'review',
    id: reviewId,
    sig,
    load: (reviewId) =>
      readLink(
        reviewKey(reviewId),
        ReviewLink,
        'There is no review with this id: check the link in your e-mail.',
      ),
    verify: verifyReviewSignature,
  });

/** A DPO's advice request by its signed link, checked as a review's is. */
export const openAdviceLink = (adviceId: string, sig: string | null): Promise<AdviceLink> =>
  openSigned<AdviceLink>({
    kind: 'advice',
    id: adviceId,
    sig,
    load: (adviceId) =>
      readLink(
        adviceKey(adviceId),
        AdviceLink,
        'There is no advice request with this id: check the link in your e-mail.',
      ),
    verify: verifyAdviceSignature,
  });
