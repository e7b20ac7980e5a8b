// API Gateway HTTP API (payload 2.0) events for handler unit tests, shaped as the JWT authorizer
// delivers them.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export function httpEvent(options: {
  method?: string;
  path?: string;
  role?: 'manager' | 'auditor' | null;
  body?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'GET';
  const path = options.path ?? '/';
  const role = options.role === undefined ? 'manager' : options.role;
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '23/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
      ...(role
        ? {
            authorizer: {
              jwt: {
                claims: { sub: 'u1', username: `${role}1`, 'cognito:groups': `[${role}]` },
                scopes: null,
              },
            },
          }
        : {}),
    },
  } as APIGatewayProxyEventV2;
}

export const lambdaContext = {} as never;

type Role = 'manager' | 'auditor' | null;

/** A request on one proposal's route (`/proposals/<id>/<route>`); a body not already text goes as JSON. */
export const proposalRequest = (
  method: string,
  id: string,
  route: string,
  { role = 'manager', body }: { role?: Role; body?: unknown } = {},
): APIGatewayProxyEventV2 =>
  httpEvent({
    method,
    path: `/proposals/${id}/${route}`,
    role,
    pathParameters: { id },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

/** What an API handler answers to the event: its status, and its body as sent and parsed. */
export async function answerTo(
  handler: (event: APIGatewayProxyEventV2, context: never) => Promise<unknown>,
  event: APIGatewayProxyEventV2,
) {
  const result = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
  const raw = String(result.body);
  return { status: result.statusCode, body: JSON.parse(raw), raw };
}
