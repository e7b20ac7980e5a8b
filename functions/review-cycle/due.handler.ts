// GET /reviews/due?before= (manager, auditor): approved installations whose review date is on or
// before a date (today when none is given), soonest first, as the seed register shows a review
// date for each system. Cursor-paged like every list.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { listReviewsDue } from '../decisions/store.js';
import { requireRole } from '../shared/auth.js';
import { ValidationError } from '../shared/errors.js';
import { type HttpEvent, type HttpResult, httpHandler, json } from '../shared/http.js';
import { isoDate } from '../shared/model/iso.js';
import { pageCursor, pageLimit } from '../shared/model/paging.js';
import { findProposal } from '../shared/store/proposals.js';

export const ReviewsDueQuery = z.strictObject({
  before: z.optional(isoDate({ error: 'before must be an ISO date, e.g. 2027-12-01' })),
  limit: pageLimit(),
  cursor: pageCursor(),
});

export const handler = httpHandler(async (event: HttpEvent): Promise<HttpResult> => {
  requireRole(event, ['manager', 'auditor']);
  const parsed = ReviewsDueQuery.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const before = parsed.data.before ?? new Date().toISOString().slice(0, 10);
  const page = await listReviewsDue({ ...parsed.data, before });
  // What the installation is, beside when it is due: at most `limit` reads of one item each.
  const items = await Promise.all(
    page.items.map(async (d) => {
      const proposal = await findProposal(d.proposalId);
      return {
        reviewDate: d.reviewDate,
        decisionId: d.decisionId,
        proposalId: d.proposalId,
        reference: d.reference,
        title: proposal?.input.title ?? null,
        cameraType: proposal?.input.cameraType ?? null,
        publicArea: proposal?.input.publicArea ?? null,
        decidedBy: d.decidedBy,
        decidedAt: d.decidedAt,
        conditions: d.conditions,
      };
    }),
  );
  return json(200, { before, items, nextCursor: page.nextCursor });
});
