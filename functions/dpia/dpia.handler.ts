// GET /proposals/{id}/dpia (manager, auditor; `?edition=public`): the DPIA document as one printable
// HTML page. The approver's and the DPO's signed links to it are the signed-dpia function's
// (signed.handler.ts), so this one neither bundles their records nor reads the link key.
import { requireRole } from '../shared/auth.js';
import { httpHandler, pathParameter } from '../shared/http.js';
import { loadDpiaSources } from './document.js';
import { parseEdition } from './edition.js';
import { documentAnswer } from './serve.js';

export const handler = httpHandler(async (event) => {
  requireRole(event, ['manager', 'auditor']);
  const edition = parseEdition(event.queryStringParameters);
  return documentAnswer(await loadDpiaSources(pathParameter(event, 'id')), edition);
});
