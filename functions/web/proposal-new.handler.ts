// web-proposal-new: the new-proposal form and its post (drafts, consultees pasted or uploaded as
// CSV, every error in one round, the proposal opened).
import { createProposalFromForm, newProposalPage } from './proposals.js';
import { type Pages, pagesHandler } from './serve.js';

export const PAGES: Pages = {
  'GET /app/proposals/new': newProposalPage,
  'POST /app/proposals': createProposalFromForm,
};

export const handler = pagesHandler(PAGES);
