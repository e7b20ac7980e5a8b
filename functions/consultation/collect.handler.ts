// The CollectResponses Lambda, invoked by Step Functions with `{ proposalId, taskToken }`.
import middy from '@middy/core';
import { ValidationError } from '../shared/errors.js';
import { CollectResponsesInput, collectResponses } from './collect.js';

export const handler = middy(async (event: unknown): Promise<{ stored: true }> => {
  const input = CollectResponsesInput.safeParse(event);
  if (!input.success) {
    const { issues, message } = ValidationError.fromZod(input.error);
    throw new ValidationError(issues, `CollectResponses needs { proposalId, taskToken }: ${message}`);
  }
  return collectResponses(input.data);
});
