// web-proposal: one proposal's page (the workflow diagram, score, tally, consultees, timeline).
import { proposalPage } from './proposals.js';
import { type Pages, pagesHandler } from './serve.js';

export const PAGES: Pages = { 'GET /app/proposals/{id}': proposalPage };

export const handler = pagesHandler(PAGES);
