// Errors a caller may see, each mapped to its HTTP status in this one place. Anything that is not
// an AppError is an internal fault: callers get a plain 500 with no detail.
import type { core } from 'zod/mini';

export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  /** Safe to show the caller: the message says what was wrong and what to do. */
  readonly expose = true;
}

/** What a refusal page shows a person: the status, the heading `headings` gives it, the message. */
export interface RefusalView {
  status: number;
  heading: string;
  message: string;
}

export function refusalView(error: AppError, headings: Readonly<Record<number, string>>): RefusalView {
  return {
    status: error.status,
    heading: headings[error.status] ?? 'This request cannot be completed',
    message: error.message,
  };
}

export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly status = 400;
  constructor(
    readonly issues: FieldIssue[],
    message = describeIssues(issues),
  ) {
    super(message);
  }

  static fromZod(error: core.$ZodError, prefix: (string | number)[] = []): ValidationError {
    return new ValidationError(
      error.issues.map((issue) => ({
        path: formatPath([...prefix, ...issue.path]),
        message: issue.message,
      })),
    );
  }
}

/** An AppError class answered with `status`; `name` is the `error` of the SPEC error shape. */
// Free of side effects (esbuild honours this within the module): an error class a function never
// throws leaves its bundle.
/* @__NO_SIDE_EFFECTS__ */
function httpError(name: string, status: number) {
  return class extends AppError {
    override readonly name = name;
    readonly status = status;
  };
}

export class UnauthorizedError extends httpError('UnauthorizedError', 401) {}
export class ForbiddenError extends httpError('ForbiddenError', 403) {}
export class NotFoundError extends httpError('NotFoundError', 404) {}
export class UnsupportedMediaTypeError extends httpError('UnsupportedMediaTypeError', 415) {}
export class ConflictError extends httpError('ConflictError', 409) {}
export class GoneError extends httpError('GoneError', 410) {}
export class PayloadTooLargeError extends httpError('PayloadTooLargeError', 413) {}

/** A configuration file (scoring policy, settings) that cannot be used: an operator's mistake. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export interface ErrorResponse {
  status: number;
  body: { error: string; message: string; issues?: FieldIssue[] };
}

/** The one place an error becomes an HTTP answer; unknown errors reveal nothing. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof ValidationError) {
    return {
      status: error.status,
      body: { error: error.name, message: error.message, issues: error.issues },
    };
  }
  if (error instanceof AppError) {
    return { status: error.status, body: { error: error.name, message: error.message } };
  }
  return { status: 500, body: { error: 'InternalError', message: 'Something went wrong on our side.' } };
}

/** `consultees.3.email`, or `(root)` for a problem with the document as a whole. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

function describeIssues(issues: FieldIssue[]): string {
  if (issues.length === 0) return 'The input is not valid.';
  const first = issues[0] as FieldIssue;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${first.path}: ${first.message}${more}`;
}
