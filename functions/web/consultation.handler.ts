// web-consultation: what changes a consultation from its proposal's page: a reply's stance
// corrected or the reply accepted (triage), and the proposal withdrawn.
import { webFunction } from './serve.js';
import { acceptFromForm, reclassifyFromForm } from './triage.js';
import { withdrawConfirmPage, withdrawFromForm } from './withdraw.js';

export const { PAGES, handler } = webFunction({
  'POST /app/proposals/{id}/replies/{replyId}/stance': reclassifyFromForm,
  'POST /app/proposals/{id}/replies/{replyId}/accept': acceptFromForm,
  'GET /app/proposals/{id}/withdraw': withdrawConfirmPage,
  'POST /app/proposals/{id}/withdraw': withdrawFromForm,
});
