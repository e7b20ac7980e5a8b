// The local HTTP API, real and on a free port in a temporary data directory: its JWT authorizer,
// routing and limits, and how it maps the functions' results back. The events it hands the
// functions: local-http-api-events.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, startHttpApi } from '../../local/http-api/server.js';
import { LOCAL_CLIENT_ID, LOCAL_ISSUER, loadSigningKey, mintToken, verifyToken } from '../../local/jwt.js';
import { PortInUseError } from '../../local/service.js';
import {
  calls,
  dataDir,
  errorLines,
  host,
  invoke,
  port,
  RESULTS,
  routes,
  send,
  useStubApi,
} from '../support/local-http-api.js';

useStubApi();

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
