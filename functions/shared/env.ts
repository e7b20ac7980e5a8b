// Reading the configuration the deployment (CDK) or the local runner put in the environment.
import { ENV } from './config.js';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing configuration: environment variable ${name} is not set`);
  return value;
}

export const tableName = (): string => requiredEnv(ENV.tableName);
