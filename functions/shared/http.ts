// The HTTP edge of every API handler: errors become the JSON answer of errors.ts (unexpected ones a
// bare 500), and request bodies are checked before anything runs.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import {
  NotFoundError,
  PayloadTooLargeError,
  toErrorResponse,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors.js';
import { log } from './logger.js';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** SPEC §3: proposal bodies over 256 KiB are refused with 413. */
export const MAX_BODY_BYTES = 256 * 1024;

/** How long before Lambda's timeout a request still running is answered with our JSON 500. */
export const ANSWER_BEFORE_TIMEOUT_MS = 200;

/**
 * The Lambda handler of an API use case: whatever it throws becomes the answer of errors.ts, and a
 * request still running 200 ms before Lambda's timeout is answered with the JSON 500 rather than
 * left to API Gateway's bare 5xx. Not a middy wrapper (as the task handlers are): these two were all
 * it did for the API, and middy added 3 KiB to every API function's bundle (issue 17), as it would
 * to the web functions (web/serve.ts).
 */
export function httpHandler(useCase: (event: HttpEvent, context: Context) => Promise<HttpResult>) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const running = useCase(event, context);
      if (typeof context?.getRemainingTimeInMillis !== 'function') return await running;
      const left = context.getRemainingTimeInMillis() - ANSWER_BEFORE_TIMEOUT_MS;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RequestTimedOut()), Math.max(0, left));
      });
      return await Promise.race([running, timedOut]);
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      const fields = { requestId: event.requestContext?.requestId, route: event.routeKey };
      if (status >= 500)
        log.error('request failed', { ...fields, error: (error as Error | undefined)?.name ?? 'Error' });
      else log.info('request refused', { ...fields, status });
      return json(status, body);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Lambda's timeout is near: answered as any unexpected failure (500), logged by this name. */
class RequestTimedOut extends Error {
  override name = 'RequestTimedOut';
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** A download: the browser saves it as `filename` rather than showing it. */
export function download(
  statusCode: number,
  body: string,
  filename: string,
  contentType: string,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      ...headers,
    },
    body,
  };
}

/** A CSV download. */
export const csv = (
  statusCode: number,
  body: string,
  filename: string,
  headers: Record<string, string> = {},
) => download(statusCode, body, filename, 'text/csv; charset=utf-8', headers);

/** HTML pages carry a strict CSP: no scripts, no third-party anything. */
export function html(statusCode: number, body: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    body,
  };
}

/** The raw request body as text (API Gateway base64-encodes non-text content types). */
export function bodyText(event: HttpEvent): string {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

export function header(event: HttpEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

/** A JSON body checked against a schema: 415, 413 and 400 say exactly what is wrong. */
export function parseJsonBody<S extends z.core.$ZodType>(event: HttpEvent, schema: S): z.infer<S> {
  // Size first (SPEC 3: over 256 KiB is 413), whatever the body claims to be.
  const text = bodyText(event);
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  }
  const type = header(event, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError('Send the body as JSON with Content-Type: application/json.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError([{ path: '(root)', message: `Malformed JSON: ${(error as Error).message}` }]);
  }
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  return parsed.data;
}

/** A form post (application/x-www-form-urlencoded), as the review page sends it. */
export function parseFormBody(event: HttpEvent): URLSearchParams {
  const text = bodyText(event);
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The form is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  }
  return new URLSearchParams(text);
}

/** A form post from one of our pages: 413 when too large, then 415 unless it is a form post. */
export function parseFormPost(event: HttpEvent, from: string): URLSearchParams {
  const form = parseFormBody(event);
  if (!/^application\/x-www-form-urlencoded\b/i.test(header(event, 'content-type') ?? '')) {
    throw new UnsupportedMediaTypeError(`Send this form from ${from} (a form post).`);
  }
  return form;
}

/** Every id in a path is short and URL-safe (UUIDs, base64url, DEC-000123, hex digests, references). */
const ID_SHAPE = /^[A-Za-z0-9._~-]{1,128}$/;

export function pathParameter(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new ValidationError([{ path: name, message: `Missing path parameter ${name}` }]);
  // Nothing else can exist: answer 404 here rather than let a 2 KB id reach DynamoDB's key limit.
  if (!ID_SHAPE.test(value))
    throw new NotFoundError(`There is nothing at this address (${name} is not an id).`);
  return value;
}
