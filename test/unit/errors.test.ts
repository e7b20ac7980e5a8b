import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as errors from '../../functions/shared/errors.js';

describe('toErrorResponse', () => {
  it('maps each domain error to its HTTP status and name', () => {
    const cases = [
      [new errors.UnauthorizedError('Sign in first.'), 401, 'UnauthorizedError'],
      [new errors.ForbiddenError('Managers only.'), 403, 'ForbiddenError'],
      [new errors.NotFoundError('No such proposal.'), 404, 'NotFoundError'],
      [new errors.ConflictError('Already decided.'), 409, 'ConflictError'],
      [new errors.GoneError('This link has expired.'), 410, 'GoneError'],
      [new errors.PayloadTooLargeError('Body over 256 KiB.'), 413, 'PayloadTooLargeError'],
    ] as const;
    for (const [error, status, name] of cases) {
      expect(errors.toErrorResponse(error)).toEqual({
        status,
        body: { error: name, message: error.message },
      });
    }
  });

  it('gives a validation error its issues with dotted paths, as SPEC §3 shows', () => {
    const schema = z.object({
      consultees: z.array(z.object({ email: z.email({ message: 'Invalid email address' }) })),
    });
    const parsed = schema.safeParse({ consultees: [{ email: 'ok@x.example' }, { email: 'nope' }] });
    expect(parsed.success).toBe(false);
    const response = errors.toErrorResponse(
      errors.ValidationError.fromZod((parsed as { error: z.ZodError }).error),
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: 'ValidationError',
      issues: [{ path: 'consultees.1.email', message: 'Invalid email address' }],
    });
  });

  it('reveals nothing about unexpected failures', () => {
    const response = errors.toErrorResponse(new Error('ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toMatch(/ECONNREFUSED|hunter2/);
  });
});
