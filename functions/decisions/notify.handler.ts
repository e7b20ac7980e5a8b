// NotifyOutcome: `{proposalId, decisionId}` in, `{mailed, done, waitSeconds}` out. The invocation's
// time left bounds the slice one run mails (the state machine loops for the rest).
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { type NotifyOutcomeResult, notifyOutcome } from './notify.js';

const NotifyOutcomeEvent = z.object({
  proposalId: z.string().check(z.minLength(1)),
  decisionId: z.string().check(z.minLength(1)),
});

export const handler = middy<unknown, NotifyOutcomeResult>(async (event: unknown, context: Context) =>
  notifyOutcome(NotifyOutcomeEvent.parse(event), {
    ...(typeof context?.getRemainingTimeInMillis === 'function'
      ? { remainingMs: context.getRemainingTimeInMillis() }
      : {}),
  }),
);
