// web-proposal: one proposal's page (the workflow diagram, score, tally, consultees, timeline).
import { proposalPage } from './proposals.js';
import { webFunction } from './serve.js';

export const { PAGES, handler } = webFunction({ 'GET /app/proposals/{id}': proposalPage });
