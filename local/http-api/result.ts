// A function's result as API Gateway maps it for payload format 2.0, and the gateway's own answers
// (404, 401, 413, 500) in its JSON shape.
import type { ServerResponse } from 'node:http';

/** A structured result for payload format 2.0; anything without `statusCode` is sent as JSON. */
export interface HttpApiResultV2 {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

export const NOT_FOUND = { message: 'Not Found' };
export const INTERNAL_ERROR = { message: 'Internal Server Error' };
export const UNAUTHORIZED = { error: 'UnauthorizedError', message: 'Unauthorized' };
export const TOO_LARGE = { error: 'PayloadTooLargeError', message: 'Request Entity Too Large' };

/** Maps a function's result the way API Gateway does for payload format 2.0. */
export function writeResult(response: ServerResponse, result: unknown): void {
  if (!isStructuredResult(result)) {
    sendJson(response, 200, result === undefined ? null : result);
    return;
  }
  const status = Number(result.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    sendJson(response, 500, INTERNAL_ERROR);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  let hasContentType = false;
  if (isPlainObject(result.headers)) {
    for (const [name, value] of Object.entries(result.headers)) {
      if (value === null || value === undefined) continue;
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'connection' || lower === 'transfer-encoding') continue;
      if (lower === 'content-type') hasContentType = true;
      headers[lower] = String(value);
    }
  }
  if (Array.isArray(result.cookies) && result.cookies.length > 0) {
    const existing = headers['set-cookie'];
    const fromHeader = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    headers['set-cookie'] = [...fromHeader, ...result.cookies.map(String)];
  }
  // API Gateway's default when a structured result names no content type.
  if (!hasContentType) headers['content-type'] = 'text/plain; charset=utf-8';
  const rawBody = result.body;
  const text =
    rawBody === undefined || rawBody === null
      ? ''
      : typeof rawBody === 'string'
        ? rawBody
        : JSON.stringify(rawBody);
  const body = result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  try {
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  } catch {
    // A header value node refuses (a newline, say) is a malformed result: API Gateway answers 500.
    for (const name of Object.keys(headers)) response.removeHeader(name);
    sendJson(response, 500, INTERNAL_ERROR);
    return;
  }
  response.setHeader('content-length', body.length);
  response.writeHead(status);
  response.end(body);
}

function isStructuredResult(
  value: unknown,
): value is Record<string, unknown> & { statusCode: unknown; headers?: unknown; cookies?: unknown } {
  return isPlainObject(value) && 'statusCode' in value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
