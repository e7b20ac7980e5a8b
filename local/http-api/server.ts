// The HTTP API on the local stack: behaves like an API Gateway HTTP API (payload format 2.0) with a
// JWT authorizer, so the same handlers answer the same requests here as behind API Gateway on AWS.
// This file serves; routes.ts picks the route, authorizer.ts checks the token, event.ts builds the
// event and result.ts maps the function's answer.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { RouteSpec } from '../../functions/routes.js';
import { parseGroupsClaim } from '../../functions/shared/auth.js';
import { LOCAL_ACCOUNT } from '../config.js';
import { InvalidTokenError, loadSigningKey, verifyToken } from '../jwt.js';
import { boundPort, listen, type RunningService } from '../service.js';
import { bearerToken, formatAuthorizerClaims, type HttpApiJwtAuthorizer } from './authorizer.js';
import { buildEvent, type HttpApiEventV2, splitTarget } from './event.js';
import { INTERNAL_ERROR, NOT_FOUND, sendJson, TOO_LARGE, UNAUTHORIZED, writeResult } from './result.js';
import { type CompiledRoute, compileRoutes, matchRoute } from './routes.js';

export type { HttpApiEventV2 } from './event.js';
export type { HttpApiResultV2 } from './result.js';

/** API Gateway's request payload quota for HTTP APIs. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

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
    host: options.host,
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
  host: string;
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

export { parseGroupsClaim };
