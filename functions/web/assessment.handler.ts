// web-assessment: a proposal's governance forms: the assessment, its conditions marked done, the
// ICO consultation, and a new review link after an approval expired.
import { assessmentFromForm, assessmentPage, conditionDoneFromForm } from './assessment-pages.js';
import { icoConsultationFromForm, reissueFromForm } from './proposals.js';
import { webFunction } from './serve.js';

export const { PAGES, handler } = webFunction({
  'GET /app/proposals/{id}/assessment': assessmentPage,
  'POST /app/proposals/{id}/assessment': assessmentFromForm,
  'POST /app/proposals/{id}/conditions/{n}/done': conditionDoneFromForm,
  'POST /app/proposals/{id}/ico-consultation': icoConsultationFromForm,
  'POST /app/proposals/{id}/review-link': reissueFromForm,
});
