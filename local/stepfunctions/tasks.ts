// The Task and Wait states of a running execution: what the library hands to the wrapper. Three
// Lambda resources (a function ARN, `lambda:invoke`, `lambda:invoke.waitForTaskToken`) with their
// TimeoutSeconds and HeartbeatSeconds, and Wait by Seconds or Timestamp, measured from the state's
// first entry so that a restart does not start a wait again.
import { randomBytes } from 'node:crypto';
import type { LambdaRuntime } from '../lambda.js';
import {
  isObject,
  type Json,
  type JsonObject,
  replaceDeep,
  type StateInfo,
  TOKEN_PLACEHOLDER,
} from './definition.js';
import { StatesError } from './errors.js';
import { type LiveExecution, timerAt, withTimeout } from './execution.js';
import type { History } from './history.js';
import { cryptoName } from './requests.js';
import type { TaskTokens } from './tokens.js';

export class Tasks {
  constructor(
    private readonly options: { lambda: LambdaRuntime; region: string },
    private readonly history: History,
    private readonly tokens: TaskTokens,
  ) {}

  async run(live: LiveExecution, state: StateInfo, effective: Json): Promise<Json> {
    // The library queues StateEntered just before calling us: let it reach the history first.
    await new Promise((r) => setImmediate(r));
    if (!isObject(effective))
      throw new StatesError('States.Runtime', 'Internal: task input is not an object');
    if (state.type === 'Wait') return this.runWait(live, state, effective);
    const params = (effective.__params ?? {}) as Json;
    const timeoutSeconds = positiveSeconds(effective.__timeout, 'TimeoutSeconds');
    const heartbeatSeconds = positiveSeconds(effective.__heartbeat, 'HeartbeatSeconds');
    const resource = state.resource ?? '';

    if (resource.startsWith('arn:aws:lambda:')) {
      return this.invokeLambda(live, resource, params, timeoutSeconds);
    }
    if (resource === 'arn:aws:states:::lambda:invoke') {
      return this.invokeLambdaIntegration(live, params, timeoutSeconds);
    }
    if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
      return this.invokeWithCallback(live, state, params, timeoutSeconds, heartbeatSeconds);
    }
    throw new StatesError('States.Runtime', `The resource ${resource} is not available on the local stack`);
  }

  /** The function's answer, or `States.Timeout` once the task's TimeoutSeconds have passed. */
  private async invoke(live: LiveExecution, name: string, payload: Json, timeoutSeconds: number | null) {
    return (await withTimeout(live, this.options.lambda.invoke(name, payload), timeoutSeconds)) as Json;
  }

  private async invokeLambda(
    live: LiveExecution,
    resource: string,
    payload: Json,
    timeoutSeconds: number | null,
  ) {
    this.history.append(live, 'LambdaFunctionScheduled', {
      lambdaFunctionScheduledEventDetails: {
        resource,
        input: JSON.stringify(payload),
        inputDetails: { truncated: false },
        ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
      },
    });
    this.history.append(live, 'LambdaFunctionStarted', {});
    try {
      const output = await this.invoke(live, resource, payload, timeoutSeconds);
      this.history.append(live, 'LambdaFunctionSucceeded', {
        lambdaFunctionSucceededEventDetails: {
          output: JSON.stringify(output),
          outputDetails: { truncated: false },
        },
      });
      return output;
    } catch (error) {
      const { name, message } = error as Error;
      const type = name === 'States.Timeout' ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed';
      const key =
        name === 'States.Timeout' ? 'lambdaFunctionTimedOutEventDetails' : 'lambdaFunctionFailedEventDetails';
      this.history.append(live, type, { [key]: { error: name, cause: message } });
      throw error;
    }
  }

  private async invokeLambdaIntegration(live: LiveExecution, params: Json, timeoutSeconds: number | null) {
    const { functionName, payload } = lambdaParameters(params);
    const details = { resourceType: 'lambda', resource: 'invoke' };
    this.history.taskStarted(live, details, {
      region: this.options.region,
      parameters: JSON.stringify(params),
      ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
    });
    try {
      const output = await this.invoke(live, functionName, payload, timeoutSeconds);
      const envelope: Json = {
        ExecutedVersion: '$LATEST',
        Payload: output,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: cryptoName() },
        StatusCode: 200,
      };
      this.history.taskSucceeded(live, details, envelope);
      return envelope;
    } catch (error) {
      this.history.taskFailed(live, details, error as Error);
      throw error;
    }
  }

  private async invokeWithCallback(
    live: LiveExecution,
    state: StateInfo,
    params: Json,
    timeoutSeconds: number | null,
    heartbeatSeconds: number | null,
  ): Promise<Json> {
    const record = live.record;
    const details = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
    const entry =
      state.topLevel && record.resumePoint?.stateName === state.name ? record.resumePoint.entry : -1;
    // After a restart the task that was waiting keeps its token: its Lambda ran already.
    let task = Object.values(record.pendingTasks).find(
      (t) => t.stateName === state.name && t.entry === entry && entry >= 0,
    );
    if (!task) {
      const startedAt = Date.now();
      task = {
        token: randomBytes(48).toString('base64url'),
        stateName: state.name,
        entry,
        startedAt,
        timeoutAt: timeoutSeconds ? startedAt + timeoutSeconds * 1000 : null,
        heartbeatSeconds,
        lastHeartbeatAt: startedAt,
        invoked: false,
      };
      this.tokens.open(live, task);
      this.history.taskStarted(live, details, {
        region: this.options.region,
        parameters: JSON.stringify(params),
        ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
        ...(heartbeatSeconds ? { heartbeatInSeconds: heartbeatSeconds } : {}),
      });
    }
    // A new task, or one whose Lambda a crash cut off before it returned (and no answer came).
    if (task.invoked === false && !task.outcome) {
      const invoking = task;
      const { functionName, payload } = lambdaParameters(
        replaceDeep(params, TOKEN_PLACEHOLDER, invoking.token),
      );
      try {
        const output = await this.options.lambda.invoke(functionName, payload);
        this.tokens.invoked(live, invoking);
        this.history.append(live, 'TaskSubmitted', {
          taskSubmittedEventDetails: {
            ...details,
            output: JSON.stringify({ Payload: output ?? null, StatusCode: 200 }),
          },
        });
      } catch (error) {
        this.tokens.close(live, invoking.token);
        this.history.taskFailed(live, details, error as Error);
        throw error;
      }
    }
    const token = task.token;
    try {
      const output = await this.tokens.awaitAnswer(live, task);
      this.history.taskSucceeded(live, details, output);
      return output;
    } catch (error) {
      this.history.taskFailed(live, details, error as Error);
      throw error;
    } finally {
      this.tokens.close(live, token);
    }
  }

  private async runWait(live: LiveExecution, state: StateInfo, effective: JsonObject): Promise<Json> {
    const wait = isObject(effective.__wait) ? effective.__wait : {};
    const resume = live.record.resumePoint;
    const enteredAt = state.topLevel && resume?.stateName === state.name ? resume.enteredAt : Date.now();
    let until: number;
    if (wait.seconds !== undefined) {
      if (typeof wait.seconds !== 'number' || wait.seconds < 0) {
        throw new StatesError(
          'States.Runtime',
          `Wait '${state.name}': Seconds must be a non-negative number`,
        );
      }
      until = enteredAt + wait.seconds * 1000;
    } else {
      until = typeof wait.timestamp === 'string' ? Date.parse(wait.timestamp) : Number.NaN;
      if (Number.isNaN(until))
        throw new StatesError('States.Runtime', `Wait '${state.name}': invalid Timestamp`);
    }
    await new Promise<void>((resolve, reject) => {
      if (live.signal.signal.aborted) return reject(new StatesError('States.Runtime', 'Execution stopped'));
      const timer = timerAt(live, until, resolve);
      live.signal.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new StatesError('States.Runtime', 'Execution stopped'));
      });
    });
    return (effective.__input ?? null) as Json;
  }
}

function lambdaParameters(params: Json): { functionName: string; payload: Json } {
  if (!isObject(params) || typeof params.FunctionName !== 'string') {
    throw new StatesError('States.Runtime', 'lambda:invoke needs Parameters.FunctionName');
  }
  return { functionName: params.FunctionName, payload: params.Payload ?? {} };
}

function positiveSeconds(value: Json | undefined, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new StatesError(
      'States.Runtime',
      `${field} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
