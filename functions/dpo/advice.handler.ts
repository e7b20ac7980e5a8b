// GET and POST /dpo/{adviceId}: the DPO's advice page (advice.ts) behind its signed link.
import { signedPageHandler } from '../review/page-handler.js';
import { showAdvice, submitAdvice } from './advice.js';

export const handler = signedPageHandler('advice', {
  show: (adviceId, actionPath, sig) => showAdvice({ adviceId, actionPath, sig }),
  submit: (adviceId, actionPath, form) => submitAdvice({ adviceId, actionPath, form }),
});
