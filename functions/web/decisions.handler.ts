// web-decisions: the auditor's decision register (list, CSV export, one decision) and the check
// of the audit chain.
import { decisionPage, decisionsExport, decisionsList, verifyPage } from './decisions.js';
import { webFunction } from './serve.js';

export const { PAGES, handler } = webFunction({
  'GET /app/decisions': decisionsList,
  'GET /app/decisions/export': decisionsExport,
  'GET /app/decisions/{decisionId}': decisionPage,
  'GET /app/audit/verify': verifyPage,
});
