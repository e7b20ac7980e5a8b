// The local stand-in for the Cognito user pool: an HS256 key kept in the data directory, ID tokens
// shaped like Cognito's (role in `cognito:groups`), and the checks the HTTP API JWT authorizer makes.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { base64url, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';

export const ROLES = ['manager', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Stands where the Cognito user-pool URL stands on AWS; only this stack issues or accepts it. */
export const LOCAL_ISSUER = 'https://cognito-idp.local.camera-dpia/local-user-pool';
/** Stands where the user-pool app client id stands on AWS (the `aud` of an ID token). */
export const LOCAL_CLIENT_ID = 'camera-dpia-local-client';
export const JWT_SECRET_FILE = 'jwt-secret';
export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 60 * 60;

const ALGORITHM = 'HS256';
const KEY_BYTES = 32;

/** Claims of a locally minted token, as the token carries them (before API Gateway flattens them). */
export interface LocalIdTokenClaims extends JWTPayload {
  sub: string;
  'cognito:groups': string[];
  username: string;
  token_use: 'id';
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

/** A token the authorizer refuses: the HTTP API answers 401 and never calls the handler. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'the token has expired' : 'the token is not valid');
  }
}

export interface MintTokenOptions {
  dataDir: string;
  role: Role;
  user: string;
  ttlSeconds?: number;
}

/** A stable subject per user name, so the same user is the same `sub` across tokens and restarts. */
export const localSubject = (user: string): string => `local-${user}`;

export async function mintToken(options: MintTokenOptions): Promise<string> {
  if (!isRole(options.role)) throw new TypeError(`unknown role: use one of ${ROLES.join(', ')}`);
  if (options.user.trim() === '') throw new TypeError('the user name must not be empty');
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new TypeError('ttlSeconds must be a positive whole number');
  const key = await loadSigningKey(options.dataDir);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    'cognito:groups': [options.role],
    username: options.user,
    token_use: 'id',
    auth_time: now,
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(localSubject(options.user))
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_CLIENT_ID)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(key);
}

/**
 * Verifies signature (HS256 only), issuer, audience and expiry, as the HTTP API JWT authorizer does.
 * `keyOrDataDir` is the key itself or the data directory that holds it.
 */
export async function verifyToken(keyOrDataDir: Uint8Array | string, token: string): Promise<JWTPayload> {
  const key = typeof keyOrDataDir === 'string' ? await readSigningKey(keyOrDataDir) : keyOrDataDir;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: LOCAL_ISSUER,
      audience: LOCAL_CLIENT_ID,
      requiredClaims: ['sub', 'iat', 'exp'],
    });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new InvalidTokenError('expired');
    if (error instanceof errors.JOSEError) throw new InvalidTokenError('invalid');
    throw error;
  }
}

/** The signing key, created (32 random bytes, file mode 0600) on first use and reused after. */
export async function loadSigningKey(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, JWT_SECRET_FILE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails when the file exists, so two processes starting at once never overwrite each other.
    const file = await open(path, 'wx', 0o600);
    try {
      await file.writeFile(`${base64url.encode(randomBytes(KEY_BYTES))}\n`);
    } finally {
      await file.close();
    }
    // The umask may have taken bits away, never added them; chmod states the intent anyway.
    await chmod(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSigningKey(dataDir);
}

/** Reads the key without creating it: with no key file, no token can be valid. */
async function readSigningKey(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, JWT_SECRET_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InvalidTokenError('invalid');
    throw error;
  }
  let key: Uint8Array;
  try {
    key = base64url.decode(text.trim());
  } catch {
    key = new Uint8Array();
  }
  if (key.length !== KEY_BYTES) {
    throw new Error(`${path} does not hold a ${KEY_BYTES}-byte base64url key: delete it to make a new one.`);
  }
  return key;
}
