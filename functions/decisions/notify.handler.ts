// NotifyOutcome: `{proposalId, decisionId}` in, `{mailed}` out.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { notifyOutcome } from './notify.js';

const NotifyOutcomeEvent = z.object({
  proposalId: z.string().check(z.minLength(1)),
  decisionId: z.string().check(z.minLength(1)),
});

export const handler = async (event: unknown) => notifyOutcome(NotifyOutcomeEvent.parse(event));
