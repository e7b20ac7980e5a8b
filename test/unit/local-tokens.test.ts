// The local stack's API tokens (local/jwt.ts, `dpia token`): minted and verified with one secret
// file in the data directory, refused for another issuer or audience, and the CLI's one-line errors.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenCommand } from '../../cli/commands/token.js';
import { CliError } from '../../cli/errors.js';
import {
  InvalidTokenError,
  JWT_SECRET_FILE,
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  loadSigningKey,
  mintToken,
  verifyToken,
} from '../../local/jwt.js';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'dpia-tokens-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('local tokens', () => {
  it('round-trips mint and verify, reusing one 0600 secret file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpia-jwt-'));
    try {
      const first = await mintToken({ dataDir: dir, role: 'manager', user: 'alice' });
      const secretPath = join(dir, JWT_SECRET_FILE);
      const secret = readFileSync(secretPath, 'utf8');
      expect(statSync(secretPath).mode & 0o777).toBe(0o600);
      expect(Buffer.from(secret.trim(), 'base64url')).toHaveLength(32);

      const second = await tokenCommand({ role: 'auditor', user: 'dave', dataDir: dir, ttl: '30m' });
      expect(readFileSync(secretPath, 'utf8')).toBe(secret);

      const a = await verifyToken(dir, first);
      expect(a).toMatchObject({
        sub: 'local-alice',
        'cognito:groups': ['manager'],
        username: 'alice',
        token_use: 'id',
        iss: LOCAL_ISSUER,
        aud: LOCAL_CLIENT_ID,
      });
      const b = await verifyToken(await loadSigningKey(dir), second);
      expect(b.sub).toBe('local-dave');
      expect((b.exp ?? 0) - (b.iat ?? 0)).toBe(1800);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a token with the wrong issuer or audience', async () => {
    const key = await loadSigningKey(dataDir);
    const sign = (issuer: string, audience: string) =>
      new SignJWT({ 'cognito:groups': ['manager'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('local-alice')
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key);
    await expect(verifyToken(key, await sign('https://elsewhere', LOCAL_CLIENT_ID))).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    await expect(verifyToken(key, await sign(LOCAL_ISSUER, 'another-client'))).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('refuses an unknown role, an empty user and a nonsense ttl with one clear line (exit 2)', async () => {
    for (const options of [
      { role: 'approver', user: 'alice', dataDir },
      { role: 'manager', user: '  ', dataDir },
      { role: 'manager', user: 'alice', dataDir, ttl: 'forever' },
      { role: 'manager', user: 'alice', dataDir, ttl: '0' },
    ]) {
      const error = await tokenCommand(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).lines).toHaveLength(1);
    }
    const error = (await tokenCommand({ role: 'approver', user: 'alice', dataDir }).catch(
      (e) => e,
    )) as CliError;
    expect(error.lines[0]).toContain('manager, auditor');
  });
});
