// RecordDecision: `{proposalId, approval}` in, `{decisionId, outcome}` out (the state machine's contract).
import { RecordDecisionInput, recordDecision } from './record.js';

export const handler = async (event: unknown) => recordDecision(RecordDecisionInput.parse(event));
