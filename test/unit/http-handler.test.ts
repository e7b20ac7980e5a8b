import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../functions/shared/errors.js';
import { type HttpEvent, httpHandler, json } from '../../functions/shared/http.js';

const event = { routeKey: 'GET /proposals', requestContext: { requestId: 'r-1' } } as unknown as HttpEvent;
const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;

describe('httpHandler (the edge of every API function)', () => {
  it('answers what the use case answers', async () => {
    const handler = httpHandler(async () => json(200, { ok: true }));
    const result = await handler(event, context(15_000));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({ ok: true });
  });

  it("turns a domain error into SPEC's error shape", async () => {
    const handler = httpHandler(async () => {
      throw new ConflictError('Already decided.');
    });
    const result = await handler(event, context(15_000));
    expect(result.statusCode).toBe(409);
    expect(JSON.parse(result.body ?? '')).toEqual({ error: 'ConflictError', message: 'Already decided.' });
  });

  it("answers a request still running near Lambda's timeout with the JSON 500, not API Gateway's bare 5xx", async () => {
    const handler = httpHandler(() => new Promise(() => {}));
    const result = await handler(event, context(250));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body ?? '')).toEqual({
      error: 'InternalError',
      message: 'Something went wrong on our side.',
    });
  });

  it('waits for a slow use case that finishes in time', async () => {
    const handler = httpHandler(
      () => new Promise((resolve) => setTimeout(() => resolve(json(201, { id: 'p-1' })), 50)),
    );
    const result = await handler(event, context(5_000));
    expect(result.statusCode).toBe(201);
  });
});
