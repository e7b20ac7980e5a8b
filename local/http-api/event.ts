// The request as the payload 2.0 event an HTTP API gives a Lambda integration: headers, cookies,
// query string, body (text or base64, as measured on AWS) and the request context.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HttpApiJwtAuthorizer } from './authorizer.js';
import type { RouteMatch } from './routes.js';

/** The event an HTTP API sends a Lambda integration with payload format 2.0. */
export interface HttpApiEventV2 {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    authorizer?: HttpApiJwtAuthorizer;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  pathParameters?: Record<string, string>;
  isBase64Encoded: boolean;
}

/** Where the API listens and who it says it is, as the request context carries them. */
export interface EventContext {
  host: string;
  port: number;
  account: string;
  apiId: string;
}

/** Measured on AWS: only these arrive as text; everything else (forms, no content type) is base64. */
const TEXT_MEDIA_TYPES = new Set(['application/json', 'application/xml', 'application/javascript']);
/** Hop-by-hop headers end at the gateway; cookies travel in `cookies` instead. */
const DROPPED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'cookie',
]);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface Target {
  path: string;
  query: string;
}

export function splitTarget(url: string): Target {
  // Absolute-form targets (through a proxy) carry scheme and host; only path and query matter here.
  const relative = /^[a-z]+:\/\//i.test(url) ? url.replace(/^[a-z]+:\/\/[^/?]*/i, '') || '/' : url;
  const question = relative.indexOf('?');
  return question === -1
    ? { path: relative, query: '' }
    : { path: relative.slice(0, question), query: relative.slice(question + 1) };
}

export function buildEvent(input: {
  request: IncomingMessage;
  target: Target;
  match: RouteMatch;
  body: Buffer;
  authorizer: HttpApiJwtAuthorizer | undefined;
  requestId: string;
  now: Date;
  context: EventContext;
}): HttpApiEventV2 {
  const { request, target, match, body, context } = input;
  const headers = collectHeaders(request.rawHeaders);
  const cookies = collectCookies(request.rawHeaders);
  const sourceIp = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-port'] = String(context.port);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] =
    `Root=1-${Math.floor(input.now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  if (body.length > 0) headers['content-length'] = String(body.length);
  const domainName = headers.host ?? `${context.host}:${context.port}`;
  const query = parseQuery(target.query);
  const text = isTextContent(headers['content-type']);
  // HTTP APIs hand the integration a decoded path (live captures show rawPath percent-decoded).
  const path = decodeSafely(target.path);

  const event: HttpApiEventV2 = {
    version: '2.0',
    routeKey: match.route.key,
    rawPath: path,
    rawQueryString: target.query,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: context.account,
      apiId: context.apiId,
      ...(input.authorizer ? { authorizer: input.authorizer } : {}),
      domainName,
      domainPrefix: domainName.replace(/:\d+$/, '').split('.')[0] ?? domainName,
      http: {
        method: request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET'),
        path,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: match.route.key,
      stage: '$default',
      time: apiGatewayTime(input.now),
      timeEpoch: input.now.getTime(),
    },
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
  return event;
}

function collectHeaders(rawHeaders: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    if (DROPPED_HEADERS.has(name)) continue;
    const value = rawHeaders[i + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
}

function collectCookies(rawHeaders: string[]): string[] {
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() !== 'cookie') continue;
    for (const cookie of (rawHeaders[i + 1] as string).split(';')) {
      const trimmed = cookie.trim();
      if (trimmed !== '') cookies.push(trimmed);
    }
  }
  return cookies;
}

/** Decoded values, duplicates joined with commas; undefined when there is nothing, as API Gateway omits it. */
function parseQuery(rawQuery: string): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  let any = false;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeQueryPart(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decodeQueryPart(pair.slice(equals + 1));
    if (name === '') continue;
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`;
    any = true;
  }
  return any ? parameters : undefined;
}

function decodeQueryPart(part: string): string {
  return decodeSafely(part.replace(/\+/g, ' '));
}

export function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function isTextContent(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType.startsWith('text/') || TEXT_MEDIA_TYPES.has(mediaType);
}

/** `12/Mar/2020:19:03:58 +0000`, the form API Gateway uses in `requestContext.time`. */
export function apiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
