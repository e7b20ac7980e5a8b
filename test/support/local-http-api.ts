// The local HTTP API on a free port in a temporary data directory, with a stub invoke that records
// each payload 2.0 event it is handed and answers with a canned result (`/results/{kind}`), and a
// raw node:http client, so duplicate headers, cookies and chunked bodies go out exactly as written.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { RouteSpec } from '../../functions/routes.js';
import { type HttpApiEventV2, startHttpApi } from '../../local/http-api/server.js';
import type { RunningService } from '../../local/service.js';

export const host = '127.0.0.1';
export const routes: RouteSpec[] = [
  { method: 'GET', path: '/proposals', function: 'list-proposals', auth: 'jwt' },
  { method: 'POST', path: '/proposals', function: 'create-proposal', auth: 'jwt' },
  { method: 'GET', path: '/proposals/{id}', function: 'get-proposal', auth: 'jwt' },
  { method: 'GET', path: '/proposals/mine', function: 'my-proposals', auth: 'jwt' },
  { method: 'GET', path: '/review/{reviewId}', function: 'review', auth: 'none' },
  { method: 'POST', path: '/review/{reviewId}', function: 'review', auth: 'none' },
  { method: 'GET', path: '/files/{proxy+}', function: 'files', auth: 'none' },
  { method: 'GET', path: '/results/{kind}', function: 'results', auth: 'none' },
];

export const RESULTS: Record<string, unknown> = {
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

export interface Call {
  functionName: string;
  event: HttpApiEventV2;
}

export let dataDir: string;
export let api: RunningService;
export let port: number;
export const calls: Call[] = [];
export const errorLines: string[] = [];

export async function invoke(functionName: string, event: HttpApiEventV2): Promise<unknown> {
  calls.push({ functionName, event });
  if (functionName === 'results') {
    const kind = event.pathParameters?.kind ?? '';
    if (kind === 'throws') throw new Error(`failed while handling ${event.body ?? 'nothing'}`);
    return RESULTS[kind];
  }
  return { ok: true };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** A raw node:http request, so duplicate headers, cookies and chunked bodies go out exactly as written. */
export function send(
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

export const lastCall = (): Call => {
  const call = calls.at(-1);
  if (!call) throw new Error('the handler was not called');
  return call;
};

/** Starts the API before the file's tests and stops it after; clears the recorded calls before each. */
export function useStubApi(): void {
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
}
