// Step Functions adapter for the SendReminder state: the reminder execution's input, as
// functions/reminders/schedule.ts started it.
import middy from '@middy/core';
import { ValidationError } from '../shared/errors.js';
import { ReminderRequest } from './kinds.js';
import { type SendReminderResult, sendReminder } from './send.js';

export const handler = middy<unknown, SendReminderResult>(async (event: unknown) => {
  const request = ReminderRequest.safeParse(event);
  if (!request.success) {
    const { issues, message } = ValidationError.fromZod(request.error);
    throw new ValidationError(
      issues,
      `SendReminder needs { proposalId, kind, roundId, remindAt }: ${message}`,
    );
  }
  return sendReminder(request.data);
});
