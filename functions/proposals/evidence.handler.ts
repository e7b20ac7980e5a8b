// GET /proposals/{id}/evidence (auditor): the proposal's evidence pack as one JSON document.
import { requireRole } from '../shared/auth.js';
import { httpHandler, pathParameter } from '../shared/http.js';
import { deliver } from '../shared/large-body.js';
import { evidencePack } from './evidence.js';

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['auditor']);
  const pack = await evidencePack(pathParameter(event, 'id'), caller.user);
  // Hundreds of raw replies can pass Lambda's 6 MB response cap: deliver() then answers with a
  // 303 to a presigned S3 URL instead (functions/shared/large-body.ts).
  return deliver({
    body: Buffer.from(JSON.stringify(pack), 'utf8'),
    contentType: 'application/json; charset=utf-8',
    filename: `evidence-${pack.evidencePack.reference}.json`,
    disposition: 'inline',
  });
});
