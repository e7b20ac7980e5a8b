// The local HTTP API, real and on a free port in a temporary data directory: the payload 2.0 events it
// hands the functions (recorded by a stub invoke), its JWT authorizer, and how it maps results back.
// Over 500 lines: one server against API Gateway's documented behaviours, case by case.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenCommand } from '../../cli/commands/token.js';
import { CliError } from '../../cli/errors.js';
import type { RouteSpec } from '../../functions/routes.js';
import {
  type HttpApiEventV2,
  MAX_BODY_BYTES,
  parseGroupsClaim,
  startHttpApi,
} from '../../local/http-api/server.js';
import {
  InvalidTokenError,
  JWT_SECRET_FILE,
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  loadSigningKey,
  mintToken,
  verifyToken,
} from '../../local/jwt.js';
import { PortInUseError, type RunningService } from '../../local/service.js';

const host = '127.0.0.1';
const routes: RouteSpec[] = [
  { method: 'GET', path: '/proposals', function: 'list-proposals', auth: 'jwt' },
  { method: 'POST', path: '/proposals', function: 'create-proposal', auth: 'jwt' },
  { method: 'GET', path: '/proposals/{id}', function: 'get-proposal', auth: 'jwt' },
  { method: 'GET', path: '/proposals/mine', function: 'my-proposals', auth: 'jwt' },
  { method: 'GET', path: '/review/{reviewId}', function: 'review', auth: 'none' },
  { method: 'POST', path: '/review/{reviewId}', function: 'review', auth: 'none' },
  { method: 'GET', path: '/files/{proxy+}', function: 'files', auth: 'none' },
  { method: 'GET', path: '/results/{kind}', function: 'results', auth: 'none' },
];

const RESULTS: Record<string, unknown> = {
  structured: {
    statusCode: 201,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'X-Thing': 'yes' },
    cookies: ['session=abc; Path=/; HttpOnly', 'theme=dark'],
    body: '<p>created</p>',
  },
  binary: {
    statusCode: 200,
    headers: { 'content-type': 'image/png' },
    body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64'),
    isBase64Encoded: true,
  },
  bare: { statusCode: 204 },
  plain: { items: [{ id: 'p-1' }], nextCursor: null },
  malformed: { statusCode: 'soon', body: 'x' },
};

interface Call {
  functionName: string;
  event: HttpApiEventV2;
}

let dataDir: string;
let api: RunningService;
let port: number;
const calls: Call[] = [];
const errorLines: string[] = [];

async function invoke(functionName: string, event: HttpApiEventV2): Promise<unknown> {
  calls.push({ functionName, event });
  if (functionName === 'results') {
    const kind = event.pathParameters?.kind ?? '';
    if (kind === 'throws') throw new Error(`failed while handling ${event.body ?? 'nothing'}`);
    return RESULTS[kind];
  }
  return { ok: true };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** A raw node:http request, so duplicate headers, cookies and chunked bodies go out exactly as written. */
function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string | string[]>; body?: Buffer | string; chunks?: Buffer[] } = {},
  target = port,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port: target, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

const lastCall = (): Call => {
  const call = calls.at(-1);
  if (!call) throw new Error('the handler was not called');
  return call;
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dpia-http-api-'));
  api = await startHttpApi({
    host,
    port: 0,
    dataDir,
    routes,
    invoke,
    logError: (line) => errorLines.push(line),
  });
  port = Number(new URL(api.url).port);
});

afterAll(async () => {
  await api?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  calls.length = 0;
  errorLines.length = 0;
});

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

describe('the JWT authorizer', () => {
  async function expectUnauthorized(authorization: string | undefined): Promise<void> {
    const reply = await send('GET', '/proposals/p-1', authorization ? { headers: { authorization } } : {});
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.text)).toEqual({ error: 'UnauthorizedError', message: 'Unauthorized' });
    expect(reply.headers['content-type']).toBe('application/json');
    expect(calls).toHaveLength(0);
  }

  it('refuses a missing token', async () => {
    await expectUnauthorized(undefined);
    await expectUnauthorized('Bearer ');
  });

  it('refuses a tampered token', async () => {
    const token = await mintToken({ dataDir, role: 'auditor', user: 'mallory' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['manager'] })).toString(
      'base64url',
    );
    await expectUnauthorized(`Bearer ${header}.${forged}.${signature}`);
  });

  it('refuses an expired token', async () => {
    const key = await loadSigningKey(dataDir);
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = await new SignJWT({ 'cognito:groups': ['manager'], token_use: 'id' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('local-alice')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_CLIENT_ID)
      .setIssuedAt(past - 60)
      .setExpirationTime(past)
      .sign(key);
    await expectUnauthorized(`Bearer ${token}`);
    await expect(verifyToken(dataDir, token)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('refuses a token signed with another data directory’s key', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'dpia-http-api-other-'));
    try {
      const token = await mintToken({ dataDir: otherDir, role: 'manager', user: 'alice' });
      await expectUnauthorized(`Bearer ${token}`);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('refuses an unsigned token and one under another algorithm', async () => {
    const unsigned = new UnsecuredJWT({ 'cognito:groups': ['manager'] })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_CLIENT_ID)
      .setSubject('local-alice')
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    await expectUnauthorized(`Bearer ${unsigned}`);
    const key = await loadSigningKey(dataDir);
    const hs512 = await new SignJWT({ 'cognito:groups': ['manager'] })
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_CLIENT_ID)
      .setSubject('local-alice')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    await expectUnauthorized(`Bearer ${hs512}`);
  });
});

describe('routing and limits', () => {
  it('answers 404 for an unknown route and for a known path with another method', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['DELETE', '/proposals/p-1'],
      ['GET', '/proposals/p-1/extra'],
      ['GET', '/files/'],
    ] as const) {
      const reply = await send(method, path);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(JSON.parse(reply.text)).toEqual({ message: 'Not Found' });
    }
    expect(calls).toHaveLength(0);
  });

  it('answers 413 for a body over 10 MB without calling the handler', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x61);
    const declared = await send('POST', '/review/r-1', {
      headers: { 'content-type': 'application/octet-stream' },
      body: big,
    });
    expect(declared.status).toBe(413);
    const chunked = await send('POST', '/review/r-1', {
      headers: { 'content-type': 'application/octet-stream' },
      chunks: [big.subarray(0, MAX_BODY_BYTES / 2), big.subarray(MAX_BODY_BYTES / 2)],
    });
    expect(chunked.status).toBe(413);
    expect(calls).toHaveLength(0);

    const exact = await send('POST', '/review/r-1', {
      headers: { 'content-type': 'application/octet-stream' },
      body: big.subarray(0, MAX_BODY_BYTES),
    });
    expect(exact.status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('reports a taken port as PortInUseError', async () => {
    await expect(startHttpApi({ host, port, dataDir, routes, invoke })).rejects.toEqual(
      new PortInUseError('HTTP API', port),
    );
    await expect(startHttpApi({ host, port, dataDir, routes, invoke })).rejects.toBeInstanceOf(
      PortInUseError,
    );
  });

  it('closes promptly while a keep-alive connection is open', async () => {
    const other = await startHttpApi({ host, port: 0, dataDir, routes, invoke });
    const agent = new Agent({ keepAlive: true });
    try {
      const otherPort = Number(new URL(other.url).port);
      await new Promise<void>((resolve, reject) => {
        httpRequest({ host, port: otherPort, path: '/review/r-1', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
      const started = Date.now();
      await other.close();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      agent.destroy();
    }
  });
});

describe('result mapping', () => {
  it('sends statusCode, headers, cookies and body of a structured result', async () => {
    const reply = await send('GET', '/results/structured');
    expect(reply.status).toBe(201);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['x-thing']).toBe('yes');
    expect(reply.headers['set-cookie']).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark']);
    expect(reply.text).toBe('<p>created</p>');
  });

  it('decodes a base64 body and defaults the content type of a structured result', async () => {
    const binary = await send('GET', '/results/binary');
    expect(binary.headers['content-type']).toBe('image/png');
    expect(binary.body).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
    const bare = await send('GET', '/results/bare');
    expect(bare.status).toBe(204);
    expect(bare.body.length).toBe(0);
  });

  it('sends any other result as 200 JSON', async () => {
    const reply = await send('GET', '/results/plain');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.text)).toEqual(RESULTS.plain);
  });

  it('answers 500 when the handler throws, with one log line that holds no body or headers', async () => {
    const token = await mintToken({ dataDir, role: 'manager', user: 'alice' });
    const reply = await send('GET', '/results/throws', {
      headers: { authorization: `Bearer ${token}`, cookie: 'session=secret-cookie', 'x-mail': 'a@b.example' },
    });
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.text)).toEqual({ message: 'Internal Server Error' });
    expect(errorLines).toHaveLength(1);
    const line = errorLines[0] ?? '';
    expect(JSON.parse(line)).toMatchObject({
      level: 'ERROR',
      routeKey: 'GET /results/{kind}',
      errorType: 'Error',
    });
    for (const secret of [token, 'secret-cookie', 'a@b.example', host]) expect(line).not.toContain(secret);
  });

  it('answers 500 for a malformed statusCode', async () => {
    const reply = await send('GET', '/results/malformed');
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.text)).toEqual({ message: 'Internal Server Error' });
  });
});

describe('local tokens', () => {
  it('round-trips mint and verify, reusing one 0600 secret file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpia-jwt-'));
    try {
      const first = await mintToken({ dataDir: dir, role: 'manager', user: 'alice' });
      const secretPath = join(dir, JWT_SECRET_FILE);
      const secret = readFileSync(secretPath, 'utf8');
      expect(statSync(secretPath).mode & 0o777).toBe(0o600);
      expect(Buffer.from(secret.trim(), 'base64url')).toHaveLength(32);

      const second = await tokenCommand({ role: 'auditor', user: 'dave', dataDir: dir, ttl: '30m' });
      expect(readFileSync(secretPath, 'utf8')).toBe(secret);

      const a = await verifyToken(dir, first);
      expect(a).toMatchObject({
        sub: 'local-alice',
        'cognito:groups': ['manager'],
        username: 'alice',
        token_use: 'id',
        iss: LOCAL_ISSUER,
        aud: LOCAL_CLIENT_ID,
      });
      const b = await verifyToken(await loadSigningKey(dir), second);
      expect(b.sub).toBe('local-dave');
      expect((b.exp ?? 0) - (b.iat ?? 0)).toBe(1800);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a token with the wrong issuer or audience', async () => {
    const key = await loadSigningKey(dataDir);
    const sign = (issuer: string, audience: string) =>
      new SignJWT({ 'cognito:groups': ['manager'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('local-alice')
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key);
    await expect(verifyToken(key, await sign('https://elsewhere', LOCAL_CLIENT_ID))).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    await expect(verifyToken(key, await sign(LOCAL_ISSUER, 'another-client'))).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('refuses an unknown role, an empty user and a nonsense ttl with one clear line (exit 2)', async () => {
    for (const options of [
      { role: 'approver', user: 'alice', dataDir },
      { role: 'manager', user: '  ', dataDir },
      { role: 'manager', user: 'alice', dataDir, ttl: 'forever' },
      { role: 'manager', user: 'alice', dataDir, ttl: '0' },
    ]) {
      const error = await tokenCommand(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).lines).toHaveLength(1);
    }
    const error = (await tokenCommand({ role: 'approver', user: 'alice', dataDir }).catch(
      (e) => e,
    )) as CliError;
    expect(error.lines[0]).toContain('manager, auditor');
  });
});
