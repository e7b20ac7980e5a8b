// The local HTTP API, real and on a free port: the payload 2.0 events it hands the functions
// (recorded by a stub invoke), field by field as API Gateway documents them.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { tokenCommand } from '../../cli/commands/token.js';
import { parseGroupsClaim } from '../../local/http-api/server.js';
import { LOCAL_CLIENT_ID, LOCAL_ISSUER, loadSigningKey, mintToken } from '../../local/jwt.js';
import { dataDir, host, lastCall, port, send, useStubApi } from '../support/local-http-api.js';

useStubApi();

describe('the payload 2.0 event', () => {
  it('is exact for GET /proposals/{id} with a repeated query parameter, cookies and a bearer token', async () => {
    const token = await tokenCommand({ role: 'manager', user: 'alice', dataDir });
    const before = Date.now();
    const reply = await send('GET', '/proposals/p-123?status=a&status=b', {
      headers: {
        authorization: `Bearer ${token}`,
        cookie: ['session=abc; theme=dark', 'lang=en'],
        'user-agent': 'dpia-test/1.0',
        'x-custom': ['one', 'two'],
      },
    });
    expect(reply.status).toBe(200);
    const { functionName, event } = lastCall();
    expect(functionName).toBe('get-proposal');

    const claims = event.requestContext.authorizer?.jwt.claims ?? {};
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'GET /proposals/{id}',
      rawPath: '/proposals/p-123',
      rawQueryString: 'status=a&status=b',
      cookies: ['session=abc', 'theme=dark', 'lang=en'],
      headers: {
        authorization: `Bearer ${token}`,
        host: `${host}:${port}`,
        'user-agent': 'dpia-test/1.0',
        'x-custom': 'one,two',
        'x-forwarded-for': host,
        'x-forwarded-port': String(port),
        'x-forwarded-proto': 'http',
        'x-amzn-trace-id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/),
      },
      queryStringParameters: { status: 'a,b' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: { jwt: { claims, scopes: null } },
        domainName: `${host}:${port}`,
        domainPrefix: '127',
        http: {
          method: 'GET',
          path: '/proposals/p-123',
          protocol: 'HTTP/1.1',
          sourceIp: host,
          userAgent: 'dpia-test/1.0',
        },
        requestId: expect.stringMatching(/^[A-Za-z0-9+/]{15}=$/),
        routeKey: 'GET /proposals/{id}',
        stage: '$default',
        time: expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
        timeEpoch: expect.any(Number),
      },
      pathParameters: { id: 'p-123' },
      isBase64Encoded: false,
    });
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.timeEpoch).toBeLessThanOrEqual(Date.now());
    expect(reply.headers['apigw-requestid']).toBe(event.requestContext.requestId);

    // Claims as the HTTP API JWT authorizer passes them: all strings, the group array as `[manager]`.
    expect(claims).toEqual({
      sub: 'local-alice',
      'cognito:groups': '[manager]',
      username: 'alice',
      token_use: 'id',
      auth_time: expect.stringMatching(/^\d+$/),
      iss: LOCAL_ISSUER,
      aud: LOCAL_CLIENT_ID,
      jti: expect.any(String),
      iat: expect.stringMatching(/^\d+$/),
      exp: expect.stringMatching(/^\d+$/),
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(12 * 3600);
    expect(parseGroupsClaim(claims['cognito:groups'])).toEqual(['manager']);
  });

  it('formats several groups as `[a b]`, which parseGroupsClaim reads back', async () => {
    const key = await loadSigningKey(dataDir);
    const token = await new SignJWT({ 'cognito:groups': ['manager', 'auditor'], token_use: 'id' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('local-bob')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_CLIENT_ID)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    await send('GET', '/proposals', { headers: { authorization: `Bearer ${token}` } });
    const claims = lastCall().event.requestContext.authorizer?.jwt.claims ?? {};
    expect(claims['cognito:groups']).toBe('[manager auditor]');
    expect(parseGroupsClaim(claims['cognito:groups'])).toEqual(['manager', 'auditor']);
    expect(parseGroupsClaim(['auditor'])).toEqual(['auditor']);
    expect(parseGroupsClaim('["a","b"]')).toEqual(['a', 'b']);
    expect(parseGroupsClaim(undefined)).toEqual([]);
  });

  it('omits cookies, query parameters, path parameters and body when there are none', async () => {
    const token = await mintToken({ dataDir, role: 'auditor', user: 'carol' });
    await send('GET', '/proposals', { headers: { authorization: `Bearer ${token}` } });
    const { event } = lastCall();
    expect(event.rawQueryString).toBe('');
    for (const key of ['cookies', 'queryStringParameters', 'pathParameters', 'body']) {
      expect(event).not.toHaveProperty(key);
    }
    expect(event.isBase64Encoded).toBe(false);
  });

  it('carries a JSON body as UTF-8 text', async () => {
    const token = await mintToken({ dataDir, role: 'manager', user: 'alice' });
    const body = JSON.stringify({ title: 'ANPR – A28 approach to Tenterden' });
    await send('POST', '/proposals', {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
      body,
    });
    const { event } = lastCall();
    expect(event.routeKey).toBe('POST /proposals');
    expect(event.requestContext.http.method).toBe('POST');
    expect(event.body).toBe(body);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('carries a binary body base64-encoded, chunked or not', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0xc3, 0x28]);
    await send('POST', '/review/r-1', {
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(lastCall().event.body).toBe(bytes.toString('base64'));
    expect(lastCall().event.isBase64Encoded).toBe(true);

    await send('POST', '/review/r-1', {
      headers: { 'content-type': 'application/pdf' },
      chunks: [bytes.subarray(0, 3), bytes.subarray(3)],
    });
    const { event } = lastCall();
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
    expect(event.headers).not.toHaveProperty('transfer-encoding');
    expect(event.headers['content-length']).toBe(String(bytes.length));
  });

  it('base64-encodes a form post, as API Gateway does for application/x-www-form-urlencoded', async () => {
    const form = 'sig=abc&outcome=approve&rationale=Proportionate';
    await send('POST', '/review/r-2', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const { event } = lastCall();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString('utf8')).toBe(form);
  });

  it('runs no authorizer on a public route, even when an Authorization header is sent', async () => {
    await send('GET', '/review/r-9?sig=x%2By');
    let { event } = lastCall();
    expect(event.routeKey).toBe('GET /review/{reviewId}');
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event.rawQueryString).toBe('sig=x%2By');
    expect(event.queryStringParameters).toEqual({ sig: 'x+y' });

    await send('GET', '/review/r-9', { headers: { authorization: 'Bearer not-a-token' } });
    ({ event } = lastCall());
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('picks the most specific route and decodes path parameters', async () => {
    const token = await mintToken({ dataDir, role: 'manager', user: 'alice' });
    await send('GET', '/proposals/mine', { headers: { authorization: `Bearer ${token}` } });
    expect(lastCall().functionName).toBe('my-proposals');
    expect(lastCall().event).not.toHaveProperty('pathParameters');

    await send('GET', '/proposals/a%20b', { headers: { authorization: `Bearer ${token}` } });
    expect(lastCall().event.pathParameters).toEqual({ id: 'a b' });

    await send('GET', '/files/evidence/2026/pack%201.json');
    const { event } = lastCall();
    expect(event.routeKey).toBe('GET /files/{proxy+}');
    expect(event.pathParameters).toEqual({ proxy: 'evidence/2026/pack 1.json' });
  });

  it('answers HEAD from the GET route without a body', async () => {
    const reply = await send('HEAD', '/review/r-3');
    expect(reply.status).toBe(200);
    expect(reply.body.length).toBe(0);
    expect(reply.headers['content-length']).toBe(String(JSON.stringify({ ok: true }).length));
    expect(lastCall().event.routeKey).toBe('GET /review/{reviewId}');
  });
});
