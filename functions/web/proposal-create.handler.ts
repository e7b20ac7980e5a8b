// web-proposal-create: the new-proposal form's post: a row added, a draft saved, or the proposal
// checked (consultees pasted or uploaded as CSV among it), every error shown in one round, and
// opened. Apart from the form's page (proposal-form.handler.ts), so that this one stays within
// 100 KiB (issue 17).
import { createProposalFromForm } from './proposals.js';
import { webFunction } from './serve.js';

export const { PAGES, handler } = webFunction({ 'POST /app/proposals': createProposalFromForm });
