// A minimal Secrets Manager (GetSecretValue) for the local stack, served on the Step Functions
// port: handlers read the review-link key exactly as on AWS, only the endpoint differs. The
// secret itself is generated once and kept in the data directory.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const REVIEW_KEY_SECRET_ID = 'camera-dpia/review-link-key';

export class SecretNotFoundError extends Error {
  override readonly name = 'ResourceNotFoundException';
}

export function createLocalSecrets(options: { dataDir: string; region: string; account: string }) {
  const dir = join(options.dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'review-link-key');
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const secrets = new Map<string, string>([[REVIEW_KEY_SECRET_ID, readFileSync(file, 'utf8').trim()]]);
  const versionId = randomUUID();
  return {
    GetSecretValue(request: { SecretId?: unknown }) {
      const id = String(request.SecretId ?? '');
      const name = id.startsWith('arn:')
        ? (id.split(':secret:')[1] ?? '').replace(/-[A-Za-z0-9]{6}$/, '')
        : id;
      const value = secrets.get(name);
      if (value === undefined)
        throw new SecretNotFoundError("Secrets Manager can't find the specified secret.");
      return {
        ARN: `arn:aws:secretsmanager:${options.region}:${options.account}:secret:${name}-local0`,
        Name: name,
        SecretString: value,
        VersionId: versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 0,
      };
    },
  };
}
