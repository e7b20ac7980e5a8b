// web-proposal-form: the new-proposal form, empty, from a saved draft, or a review of an approved
// installation pre-filled from it. Its post is web-proposal-create.
import { newProposalPage } from './proposals.js';
import { webFunction } from './serve.js';

export const { PAGES, handler } = webFunction({ 'GET /app/proposals/new': newProposalPage });
