// `dpia token --role R --user U`: mints a local API token (the local stand-in for a Cognito ID token)
// signed with the key in the data directory, so the local HTTP API accepts it.
import { DEFAULT_TOKEN_TTL_SECONDS, isRole, mintToken, ROLES } from '../../local/jwt.js';
import { CliError } from '../errors.js';

export interface TokenOptions {
  role: string;
  user: string;
  dataDir: string;
  /** `12h`, `30m`, `45s`, `7d` or plain seconds (`3600`); 12 h when absent. */
  ttl?: string;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export async function tokenCommand(options: TokenOptions): Promise<string> {
  if (!isRole(options.role)) {
    throw new CliError([`dpia token: unknown role "${options.role}"; use one of: ${ROLES.join(', ')}.`]);
  }
  const user = options.user.trim();
  if (user === '') throw new CliError(['dpia token: --user must name a user, e.g. --user alice.']);
  const ttlSeconds = options.ttl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : parseTtl(options.ttl);
  return mintToken({ dataDir: options.dataDir, role: options.role, user, ttlSeconds });
}

/** Seconds in a lifetime such as `12h`, `30m` or `3600`. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new CliError([
      `dpia token: --ttl "${text}" is not a lifetime; use e.g. 12h, 30m, 45s, 7d or 3600.`,
    ]);
  }
  return seconds;
}
