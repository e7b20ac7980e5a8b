// Reading the configuration the deployment (CDK) or the local runner put in the environment.
import { ENV, TABLE_NAME_ENV } from './config.js';
import { ConfigurationError } from './errors.js';
import { DEFAULT_MIN_CONSULTATION_DAYS, MAX_CONSULTATION_DAYS } from './model/limits.js';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing configuration: environment variable ${name} is not set`);
  return value;
}

export const tableName = (): string => requiredEnv(TABLE_NAME_ENV);

/** DPIA_MIN_CONSULTATION_DAYS: the shortest consultation a proposal may set (issue 20; default 14). */
export function minConsultationDays(): number {
  const configured = process.env[ENV.minConsultationDays]?.trim();
  if (!configured) return DEFAULT_MIN_CONSULTATION_DAYS;
  const days = Number(configured);
  if (!Number.isFinite(days) || days < 0 || days >= MAX_CONSULTATION_DAYS) {
    throw new ConfigurationError(
      `${ENV.minConsultationDays} must be a number of days from 0 to ${MAX_CONSULTATION_DAYS - 1} (got "${configured}"); unset it for the default of ${DEFAULT_MIN_CONSULTATION_DAYS}.`,
    );
  }
  return days;
}
