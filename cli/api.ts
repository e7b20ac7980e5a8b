// How the CLI reaches the HTTP API: the local stack by default (`--api URL` for another), with a
// token from DPIA_TOKEN or, locally, one minted with the key in the data directory.
import { resolveLocalConfig, serviceUrl } from '../local/config.js';
import { isConnectionFailure, StackUnreachableError } from '../local/errors.js';
import { mintToken } from '../local/jwt.js';
import { ApiUnreachableError, CliError, EXIT_FAILURE } from './errors.js';

export interface ApiOptions {
  api?: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
}

export async function callApi(
  options: ApiOptions,
  role: 'manager' | 'auditor',
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  accept = 'application/json',
): Promise<ApiResponse> {
  const token = process.env.DPIA_TOKEN ?? (await localToken(role, options));
  const response = await reach(options, path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return readAnswer(response);
}

/** The API's base URL: `--api`, or the local stack's. */
export const apiBase = (options: ApiOptions): string =>
  (options.api ?? serviceUrl(resolveLocalConfig(), 'api')).replace(/\/$/, '');

/**
 * fetch from the API; when nothing answers there, the local stack's StackUnreachableError (or,
 * with `--api`, ApiUnreachableError), which cli/main.ts turns into its sentence. Any other
 * failure is thrown as it is.
 */
export async function reach(options: ApiOptions, path: string, init?: RequestInit): Promise<Response> {
  const base = apiBase(options);
  try {
    return await fetch(`${base}${path}`, init);
  } catch (error) {
    if (!isConnectionFailure(error)) throw error;
    throw options.api ? new ApiUnreachableError(base) : new StackUnreachableError('camera-dpia API', base);
  }
}

/** The answer's status and body: JSON parsed, anything else (CSV, HTML) kept as text. */
export async function readAnswer(response: Response): Promise<ApiResponse> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV or HTML: keep the text
  }
  return { status: response.status, body, text };
}

export interface ApiDownload {
  status: number;
  bytes: Buffer;
  contentType: string;
  /** The name the server suggests (Content-Disposition), if any. */
  filename: string | null;
}

/**
 * A GET whose answer is kept as bytes (a PDF, say). fetch follows a 303 to a presigned S3 URL by
 * itself, without sending our token there, so a body too big for Lambda arrives the same way.
 */
export async function downloadFromApi(
  options: ApiOptions,
  role: 'manager' | 'auditor',
  path: string,
): Promise<ApiDownload> {
  const token = process.env.DPIA_TOKEN ?? (await localToken(role, options));
  const response = await reach(options, path, { headers: { authorization: `Bearer ${token}` } });
  const disposition = response.headers.get('content-disposition') ?? '';
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') ?? '',
    filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? null,
  };
}

async function localToken(role: 'manager' | 'auditor', options: ApiOptions): Promise<string> {
  if (options.api) throw new CliError(['Set DPIA_TOKEN to a bearer token for that API.'], EXIT_FAILURE);
  return mintToken({ dataDir: resolveLocalConfig().dataDir, role, user: `cli-${role}` });
}

/** An error answer as one or more plain sentences (never the error's class name); validation errors list each field. */
export function explainError(response: ApiResponse): CliError {
  const body = response.body as {
    error?: string;
    message?: string;
    issues?: { path: string; message: string }[];
  };
  const lines = body?.issues?.length
    ? body.issues.map((i) => `${i.path}: ${i.message}`)
    : [body?.message ?? `The API answered ${response.status} without saying why.`];
  return new CliError(lines, response.status === 400 ? 2 : EXIT_FAILURE);
}
