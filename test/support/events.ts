// API Gateway HTTP API (payload 2.0) events for handler unit tests, shaped as the JWT authorizer
// delivers them.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

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
