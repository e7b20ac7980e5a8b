// NotifyOutcome: `{proposalId, decisionId}` in, `{mailed}` out.
import * as z from 'zod';
import { notifyOutcome } from './notify.js';

const NotifyOutcomeEvent = z.object({ proposalId: z.string().min(1), decisionId: z.string().min(1) });

export const handler = async (event: unknown) => notifyOutcome(NotifyOutcomeEvent.parse(event));
