// How long before the deadline, or after the review link, a reminder is due (SPEC 10). Hours may
// be fractions, so a test can watch a reminder go within seconds (as with the approval timeout).
import { DEFAULTS, ENV } from '../shared/config.js';
import { ConfigurationError } from '../shared/errors.js';

function hoursFrom(name: string, fallback: number): number {
  const configured = process.env[name]?.trim();
  const hours = configured ? Number(configured) : fallback;
  if (!Number.isFinite(hours) || hours <= 0) {
    throw new ConfigurationError(
      `${name} must be a positive number of hours (got "${configured}"); unset it for the default of ${fallback}.`,
    );
  }
  return hours;
}

/** DPIA_REMINDER_HOURS: hours before the consultation deadline; a proposal may set its own. */
export const reminderHoursFromEnv = (): number => hoursFrom(ENV.reminderHours, DEFAULTS.reminderHours);

/** DPIA_APPROVAL_REMINDER_HOURS: hours after the review link was sent. */
export const approvalReminderHoursFromEnv = (): number =>
  hoursFrom(ENV.approvalReminderHours, DEFAULTS.approvalReminderHours);
