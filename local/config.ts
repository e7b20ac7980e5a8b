// Configuration of the embedded local stack: ports, data directory and the AWS-shaped names the
// handlers see. Every value can be moved with an environment variable (SPEC §8).
import { resolve } from 'node:path';
import { DEFAULTS } from '../functions/shared/config.js';

export const SERVICES = ['api', 'dynamodb', 'ses', 'sfn', 'smtp', 's3'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const PORT_ENV: Record<ServiceName, string> = {
  api: 'DPIA_API_PORT',
  dynamodb: 'DPIA_DYNAMODB_PORT',
  ses: 'DPIA_SES_PORT',
  sfn: 'DPIA_SFN_PORT',
  smtp: 'DPIA_SMTP_PORT',
  s3: 'DPIA_S3_PORT',
};

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  api: 3000,
  dynamodb: 8000,
  ses: 8005,
  sfn: 8083,
  smtp: 2525,
  s3: 4569,
};

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_HOST = '127.0.0.1';

export interface LocalConfig {
  host: string;
  dataDir: string;
  ports: Record<ServiceName, number>;
  region: string;
  account: string;
  inboundDomain: string;
  senderAddress: string;
  /** The local SES's MaxSendRate (mails a second, DPIA_SES_MAX_SEND_RATE); null: not limited. */
  sesMaxSendRate: number | null;
}

export class LocalConfigError extends Error {
  override readonly name = 'LocalConfigError';
}

export function resolveLocalConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Omit<LocalConfig, 'ports'>> & { ports?: Partial<Record<ServiceName, number>> } = {},
): LocalConfig {
  const ports = { ...DEFAULT_PORTS };
  for (const service of SERVICES) {
    const raw = env[PORT_ENV[service]];
    if (raw !== undefined && raw !== '') ports[service] = parsePort(raw, PORT_ENV[service]);
    const forced = overrides.ports?.[service];
    if (forced !== undefined) ports[service] = forced;
  }
  return {
    host: LOCAL_HOST,
    dataDir: resolve(overrides.dataDir ?? env.DPIA_DATA_DIR ?? '.dpia'),
    ports,
    region: overrides.region ?? DEFAULTS.region,
    account: LOCAL_ACCOUNT,
    inboundDomain: overrides.inboundDomain ?? env.DPIA_INBOUND_DOMAIN ?? DEFAULTS.inboundDomain,
    senderAddress: overrides.senderAddress ?? env.DPIA_SENDER_ADDRESS ?? DEFAULTS.senderAddress,
    sesMaxSendRate:
      overrides.sesMaxSendRate !== undefined
        ? overrides.sesMaxSendRate
        : parseRate(env.DPIA_SES_MAX_SEND_RATE, 'DPIA_SES_MAX_SEND_RATE'),
  };
}

function parseRate(raw: string | undefined, name: string): number | null {
  if (raw === undefined || raw === '') return null;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new LocalConfigError(`${name}=${raw} is not a sending rate (mails a second, above 0).`);
  }
  return rate;
}

function parsePort(raw: string, name: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalConfigError(`${name}=${raw} is not a port number (0-65535).`);
  }
  return port;
}

export const serviceUrl = (config: LocalConfig, service: ServiceName): string =>
  `http://${config.host}:${config.ports[service]}`;

/** The dummy credentials every client of the local stack signs with (no service checks them). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The environment the AWS SDK clients (in handlers, the CLI and the AWS CLI) need to reach the
 * local stack: only endpoints, a region and dummy credentials differ from AWS.
 */
export function sdkEnvironment(config: LocalConfig): Record<string, string> {
  return {
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: serviceUrl(config, 'dynamodb'),
    AWS_ENDPOINT_URL_S3: serviceUrl(config, 's3'),
    AWS_ENDPOINT_URL_SES: serviceUrl(config, 'ses'),
    AWS_ENDPOINT_URL_SESV2: serviceUrl(config, 'ses'),
    AWS_ENDPOINT_URL_SFN: serviceUrl(config, 'sfn'),
    // Secrets Manager (the review-link key) is served on the Step Functions port.
    AWS_ENDPOINT_URL_SECRETS_MANAGER: serviceUrl(config, 'sfn'),
    // s3rver stores aws-chunked framing verbatim: send plain bodies with a checksum header only.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  };
}
