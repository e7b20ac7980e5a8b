// POST /proposals/{id}/conditions/{n}/done (manager) and GET /conditions/open?before= (manager,
// auditor): the approval's conditions, tracked until done with evidence (issue 19).
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { requireRole } from '../shared/auth.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import { type HttpEvent, httpHandler, json, parseJsonBody, pathParameter } from '../shared/http.js';
import { ConditionDoneInput } from '../shared/model/conditions.js';
import { isoDate } from '../shared/model/iso.js';
import { listOpenConditions, markConditionDone } from './conditions.js';

const OpenQuery = z.strictObject({
  before: z.optional(isoDate({ error: 'before must be a date, e.g. 2027-03-31' })),
});

export const handler = httpHandler(async (event: HttpEvent) => {
  if (event.routeKey === 'GET /conditions/open') {
    requireRole(event, ['manager', 'auditor']);
    const query = OpenQuery.safeParse(event.queryStringParameters ?? {});
    if (!query.success) throw ValidationError.fromZod(query.error);
    const today = new Date().toISOString().slice(0, 10);
    return json(200, { items: await listOpenConditions(today, query.data.before) });
  }
  const caller = requireRole(event, ['manager']);
  const id = pathParameter(event, 'id');
  const n = Number(pathParameter(event, 'n'));
  if (!Number.isInteger(n) || n < 1)
    throw new NotFoundError('There is no such condition (conditions are numbered 1, 2, ...).');
  const { evidence } = parseJsonBody(event, ConditionDoneInput);
  return json(200, await markConditionDone(id, n, evidence, caller.user));
});
