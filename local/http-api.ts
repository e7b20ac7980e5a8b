// The HTTP API on the local stack: behaves like an API Gateway HTTP API (payload format 2.0) with a
// JWT authorizer, so the same handlers answer the same requests here as behind API Gateway on AWS.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import { type RouteSpec, routeKey } from '../functions/routes.js';
import { parseGroupsClaim } from '../functions/shared/auth.js';
import { LOCAL_ACCOUNT } from './config.js';
import { InvalidTokenError, loadSigningKey, verifyToken } from './jwt.js';
import { boundPort, listen, type RunningService } from './service.js';

/** API Gateway's request payload quota for HTTP APIs. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** What the HTTP API JWT authorizer puts in `requestContext.authorizer`. */
export interface HttpApiJwtAuthorizer {
  jwt: {
    /** Every claim as a string; arrays as `[a b]` (see parseGroupsClaim). */
    claims: Record<string, string>;
    /** null unless the route names authorization scopes, which ours never do. */
    scopes: string[] | null;
  };
}

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

/** A structured result for payload format 2.0; anything without `statusCode` is sent as JSON. */
export interface HttpApiResultV2 {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

export interface HttpApiOptions {
  host: string;
  port: number;
  /** Holds the JWT signing key (local/jwt.ts), created on start when absent. */
  dataDir: string;
  routes: RouteSpec[];
  /** Runs the named function with the event; resolves to its result, rejects when it throws. */
  invoke(functionName: string, event: HttpApiEventV2): Promise<unknown>;
  account?: string;
  apiId?: string;
  /** Where one line per failed invocation goes (never bodies, headers or tokens); stderr by default. */
  logError?: (line: string) => void;
}

type Segment = { kind: 'literal'; value: string } | { kind: 'variable'; name: string; greedy: boolean };

interface CompiledRoute {
  spec: RouteSpec;
  key: string;
  segments: Segment[];
}

interface RouteMatch {
  route: CompiledRoute;
  pathParameters: Record<string, string>;
}

const NOT_FOUND = { message: 'Not Found' };
const INTERNAL_ERROR = { message: 'Internal Server Error' };
const UNAUTHORIZED = { error: 'UnauthorizedError', message: 'Unauthorized' };
const TOO_LARGE = { error: 'PayloadTooLargeError', message: 'Request Entity Too Large' };

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

export async function startHttpApi(options: HttpApiOptions): Promise<RunningService> {
  const routes = compileRoutes(options.routes);
  const key = await loadSigningKey(options.dataDir);
  const context = {
    options,
    routes,
    key,
    account: options.account ?? LOCAL_ACCOUNT,
    apiId: options.apiId ?? 'local',
    logError: options.logError ?? ((line: string) => process.stderr.write(`${line}\n`)),
    port: 0,
  };
  const server = createServer((request, response) => {
    void handle(request, response, context);
  });
  await listen(server, 'HTTP API', options.host, options.port);
  context.port = boundPort(server);
  return {
    name: 'HTTP API',
    url: `http://${options.host}:${context.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets would otherwise hold close() open until they time out.
      server.closeAllConnections();
      await closed;
    },
  };
}

type Context = {
  options: HttpApiOptions;
  routes: CompiledRoute[];
  key: Uint8Array;
  account: string;
  apiId: string;
  logError: (line: string) => void;
  port: number;
};

async function handle(request: IncomingMessage, response: ServerResponse, context: Context): Promise<void> {
  const requestId = randomBytes(11).toString('base64');
  const now = new Date();
  response.setHeader('apigw-requestid', requestId);
  try {
    const target = splitTarget(request.url ?? '/');
    // HEAD is served as a GET so `curl -I` works; node itself drops the body of a HEAD response.
    const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
    const match = matchRoute(context.routes, method, target.path);
    if (!match) {
      request.resume();
      sendJson(response, 404, NOT_FOUND);
      return;
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      rejectTooLarge(request, response);
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      rejectTooLarge(request, response);
      return;
    }

    let authorizer: HttpApiJwtAuthorizer | undefined;
    if (match.route.spec.auth === 'jwt') {
      const token = bearerToken(request.headers.authorization);
      if (!token) {
        sendJson(response, 401, UNAUTHORIZED, { 'www-authenticate': 'Bearer' });
        return;
      }
      try {
        const claims = await verifyToken(context.key, token);
        authorizer = { jwt: { claims: formatAuthorizerClaims(claims), scopes: null } };
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        sendJson(response, 401, UNAUTHORIZED, {
          'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${error.message}"`,
        });
        return;
      }
    }

    const event = buildEvent({ request, target, match, body, authorizer, requestId, now, context });
    let result: unknown;
    try {
      result = await context.options.invoke(match.route.spec.function, event);
    } catch (error) {
      // Only the error's type: messages can quote the input (JSON.parse does), and bodies stay out of logs.
      const e = error instanceof Error ? error : new Error(String(error));
      context.logError(
        JSON.stringify({
          level: 'ERROR',
          service: 'http-api',
          message: 'integration failed',
          requestId,
          routeKey: match.route.key,
          function: match.route.spec.function,
          errorType: e.name,
        }),
      );
      sendJson(response, 500, INTERNAL_ERROR);
      return;
    }
    writeResult(response, result);
  } catch (error) {
    // A client that hung up mid-request is not a fault worth a log line; there is no one to answer.
    if (request.destroyed && !request.complete) {
      response.destroy();
      return;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    context.logError(
      JSON.stringify({
        level: 'ERROR',
        service: 'http-api',
        message: 'request failed',
        requestId,
        errorType: e.name,
      }),
    );
    if (!response.headersSent) sendJson(response, 500, INTERNAL_ERROR);
    else response.destroy();
  }
}

// ---- routes ---------------------------------------------------------------------------------------

function compileRoutes(specs: RouteSpec[]): CompiledRoute[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    const key = routeKey(spec);
    if (seen.has(key)) throw new Error(`route ${key} is defined twice`);
    seen.add(key);
    if (!spec.path.startsWith('/')) throw new Error(`route ${key}: the path must start with /`);
    const parts = spec.path.slice(1).split('/');
    const segments = parts.map((part, index): Segment => {
      const variable = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(part);
      if (!variable) {
        if (/[{}]/.test(part)) throw new Error(`route ${key}: "${part}" is not a valid path segment`);
        return { kind: 'literal', value: part };
      }
      const greedy = variable[2] === '+';
      if (greedy && index !== parts.length - 1) {
        throw new Error(`route ${key}: a greedy path variable must be the last segment`);
      }
      return { kind: 'variable', name: variable[1] as string, greedy };
    });
    return { spec, key, segments };
  });
}

/**
 * API Gateway picks the most specific route: segment by segment, a literal beats a path variable and
 * a path variable beats a greedy one. The method must match exactly (our routes never use ANY).
 */
function matchRoute(routes: CompiledRoute[], method: string, rawPath: string): RouteMatch | undefined {
  const parts = rawPath.slice(1).split('/');
  let best: { match: RouteMatch; rank: number[] } | undefined;
  for (const route of routes) {
    if (route.spec.method !== method) continue;
    const match = matchSegments(route, parts);
    if (!match) continue;
    if (!best || compareRanks(match.rank, best.rank) < 0) best = { match: match.match, rank: match.rank };
  }
  return best?.match;
}

function matchSegments(
  route: CompiledRoute,
  parts: string[],
): { match: RouteMatch; rank: number[] } | undefined {
  const pathParameters: Record<string, string> = {};
  const rank: number[] = [];
  for (const [index, segment] of route.segments.entries()) {
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (decodeSafely(part) !== segment.value) return undefined;
      rank.push(0);
    } else if (segment.greedy) {
      const rest = parts.slice(index).join('/');
      if (rest === '') return undefined;
      pathParameters[segment.name] = decodeSafely(rest);
      rank.push(2);
      return { match: { route, pathParameters }, rank };
    } else {
      if (part === '') return undefined;
      pathParameters[segment.name] = decodeSafely(part);
      rank.push(1);
    }
  }
  if (parts.length !== route.segments.length) return undefined;
  return { match: { route, pathParameters }, rank };
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] as number) - (b[i] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

// ---- the request as a payload 2.0 event -------------------------------------------------------------

interface Target {
  path: string;
  query: string;
}

function splitTarget(url: string): Target {
  // Absolute-form targets (through a proxy) carry scheme and host; only path and query matter here.
  const relative = /^[a-z]+:\/\//i.test(url) ? url.replace(/^[a-z]+:\/\/[^/?]*/i, '') || '/' : url;
  const question = relative.indexOf('?');
  return question === -1
    ? { path: relative, query: '' }
    : { path: relative.slice(0, question), query: relative.slice(question + 1) };
}

function buildEvent(input: {
  request: IncomingMessage;
  target: Target;
  match: RouteMatch;
  body: Buffer;
  authorizer: HttpApiJwtAuthorizer | undefined;
  requestId: string;
  now: Date;
  context: Context;
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
  const domainName = headers.host ?? `${context.options.host}:${context.port}`;
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

function decodeSafely(text: string): string {
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

// ---- the JWT authorizer ----------------------------------------------------------------------------

/** Like the HTTP API authorizer, accepts `Bearer <jwt>` or the bare token. */
function bearerToken(header: string | undefined): string | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(value);
  return bearer ? bearer[1] : value;
}

/**
 * Claims as the HTTP API JWT authorizer passes them: every value a string, numbers and booleans as
 * their text, arrays as `[a b]` (space-separated in brackets), objects as JSON, null claims left out.
 */
export function formatAuthorizerClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    claims[name] = formatClaimValue(value);
  }
  return claims;
}

function formatClaimValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatClaimValue).join(' ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// ---- bodies and results ----------------------------------------------------------------------------

/** The whole body, or undefined once it passes MAX_BODY_BYTES (the rest is not kept). */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

function rejectTooLarge(request: IncomingMessage, response: ServerResponse): void {
  // Read and drop whatever is still coming so the client sees the 413 rather than a reset upload.
  request.resume();
  sendJson(response, 413, TOO_LARGE, { connection: 'close' });
}

/** Maps a function's result the way API Gateway does for payload format 2.0. */
function writeResult(response: ServerResponse, result: unknown): void {
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

function sendJson(
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

export { parseGroupsClaim };
