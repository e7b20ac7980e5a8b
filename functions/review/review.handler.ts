// GET and POST /review/{reviewId}: the approver's page (review.ts) behind its signed link.
import { signedPageHandler } from './page-handler.js';
import { showReview, submitReview } from './review.js';

export const handler = signedPageHandler('review', {
  show: (reviewId, actionPath, sig) => showReview({ reviewId, actionPath, sig }),
  submit: (reviewId, actionPath, form) => submitReview({ reviewId, actionPath, form }),
});
