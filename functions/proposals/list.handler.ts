// GET /proposals?status=&limit=&cursor= (manager, auditor): newest first, a Query on an index.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { requireRole } from '../shared/auth.js';
import { ValidationError } from '../shared/errors.js';
import { httpHandler, json } from '../shared/http.js';
import { listProposals, PROPOSAL_STATUSES } from '../shared/store/proposals.js';

const Query = z.strictObject({
  status: z.optional(z.enum(PROPOSAL_STATUSES)),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 50),
  cursor: z.optional(z.string()),
});

export const handler = httpHandler(async (event) => {
  requireRole(event, ['manager', 'auditor']);
  const parsed = Query.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { status, limit, cursor } = parsed.data;
  const page = await listProposals({ limit, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
  return json(200, {
    items: page.items.map((p) => ({
      proposalId: p.proposalId,
      reference: p.reference,
      title: p.input.title,
      cameraType: p.input.cameraType,
      publicArea: p.input.publicArea,
      status: p.status,
      createdAt: p.createdAt,
      responseDeadline: p.consultation.deadline,
      pressingNeed: p.pressingNeed ? { score: p.pressingNeed.score, band: p.pressingNeed.band } : null,
      consultation: {
        mailed: p.consultation.mailed,
        responded: p.consultation.responded,
        tally: p.consultation.tally,
      },
      decisionId: p.decisionId,
    })),
    nextCursor: page.nextCursor,
  });
});
