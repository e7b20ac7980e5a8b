// Runs the project's Lambda handlers in-process, with the event and context AWS would give them.
// Functions come from functions/registry.ts; tests may add their own by name.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DEFAULT_TIMEOUT_SECONDS,
  deployedFunctionName,
  FUNCTION_PREFIX,
  type FunctionSpec,
  functionRegistry,
} from '../functions/registry.js';
import { faults } from './faults.js';

// biome-ignore lint/suspicious/noExplicitAny: a Lambda handler takes any event shape.
export type LambdaHandler = (event: any, context: LambdaContext) => unknown;

export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** What a failed invocation looks like to Step Functions: errorType becomes the `Error` name. */
export class LambdaInvocationError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(JSON.stringify({ errorType, errorMessage, trace: [] }));
    this.name = errorType;
  }
}

export class UnknownFunctionError extends Error {
  override readonly name = 'Lambda.ResourceNotFoundException';
}

export interface LambdaRuntime {
  invoke(functionRef: string, event: unknown): Promise<unknown>;
  functionArn(name: string): string;
  has(functionRef: string): boolean;
}

export interface LambdaRuntimeOptions {
  region: string;
  account: string;
  rootDir?: string;
  registry?: FunctionSpec[];
  /** Extra in-process handlers by short name, e.g. a stub inbound-mail handler in a test. */
  handlers?: Record<string, LambdaHandler>;
}

const ROOT = resolve(import.meta.dirname, '..');

export function createLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const registry = options.registry ?? functionRegistry;
  const rootDir = options.rootDir ?? ROOT;
  const loaded = new Map<string, Promise<LambdaHandler>>();
  const specs = new Map(registry.map((f) => [f.name, f]));
  const arnOf = (name: string) =>
    `arn:aws:lambda:${options.region}:${options.account}:function:${deployedFunctionName(name)}`;

  /** Accepts a short name, the deployed name, or a function ARN (with or without a qualifier). */
  function shortName(ref: string): string {
    const fromArn = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)(?::.+)?$/.exec(ref)?.[1];
    const name = fromArn ?? ref;
    return name.startsWith(FUNCTION_PREFIX) ? name.slice(FUNCTION_PREFIX.length) : name;
  }

  function load(name: string): Promise<LambdaHandler> {
    const stub = options.handlers?.[name];
    if (stub) return Promise.resolve(stub);
    let handler = loaded.get(name);
    if (!handler) {
      const spec = specs.get(name);
      if (!spec) return Promise.reject(new UnknownFunctionError(`Function not found: ${arnOf(name)}`));
      handler = import(pathToFileURL(resolve(rootDir, spec.entry)).href).then((module) => {
        if (typeof module.handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
        return module.handler as LambdaHandler;
      });
      loaded.set(name, handler);
    }
    return handler;
  }

  return {
    functionArn: arnOf,
    has: (ref) => {
      const name = shortName(ref);
      return Boolean(options.handlers?.[name] ?? specs.get(name));
    },
    async invoke(ref, event) {
      const name = shortName(ref);
      const handler = await load(name);
      const spec = specs.get(name);
      const timeoutSeconds = spec?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      const deadline = Date.now() + timeoutSeconds * 1000;
      const context: LambdaContext = {
        functionName: deployedFunctionName(name),
        functionVersion: '$LATEST',
        invokedFunctionArn: arnOf(name),
        memoryLimitInMB: '512',
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${deployedFunctionName(name)}`,
        logStreamName: 'local',
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      };
      const timedOut = () =>
        new LambdaInvocationError(
          'Sandbox.Timedout',
          `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
        );
      // Issue 15 (DPIA_FAULTS): the run ends as if the sandbox hit its timeout just after the handler's
      // work, so its caller learns nothing of it and retries: what the handler did must hold once.
      const injectTimeout = faults.decide({ service: 'lambda', operation: name }) === 'timeout';
      let timer: NodeJS.Timeout | undefined;
      try {
        // A JSON round trip, as over the wire: handlers never share objects with the caller.
        const running = Promise.resolve(handler(JSON.parse(JSON.stringify(event ?? null)), context));
        // As on AWS, a run past the function's timeout fails with Sandbox.Timedout (its work may go on
        // here; on AWS the sandbox is frozen).
        const limit = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(timedOut()), Math.max(0, deadline - Date.now()));
          timer.unref();
        });
        const result = await Promise.race([running, limit]);
        if (injectTimeout) throw timedOut();
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      } catch (error) {
        if (error instanceof LambdaInvocationError) throw error;
        const e = error instanceof Error ? error : new Error(String(error));
        throw new LambdaInvocationError(e.name || 'Error', e.message);
      } finally {
        if (timer) clearTimeout(timer);
      }
    },
  };
}
