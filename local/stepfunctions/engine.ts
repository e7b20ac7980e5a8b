// The local Step Functions service: state machines and executions with the semantics of AWS
// Standard workflows, running definitions with aws-local-stepfunctions. This wrapper adds what the
// library lacks: task tokens, exact task and execution timeouts of any length, heartbeats, a
// history in the AWS event format, and persistence with resume after a restart (an execution
// continues from the last top-level state it entered; a task waiting for a token keeps its token).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { LambdaRuntime } from '../lambda.js';
import {
  isObject,
  type Json,
  type JsonObject,
  type PreparedDefinition,
  parseDefinition,
  prepareDefinition,
  replaceDeep,
  type StateInfo,
  startingAt,
  TOKEN_PLACEHOLDER,
} from './definition.js';
import {
  type ExecutionRecord,
  type ExecutionStatus,
  type HistoryEvent,
  type PendingTask,
  type StateMachineRecord,
  StepFunctionsStore,
} from './store.js';

/** An error the API answers with `{"__type": type, "message"}` and HTTP 400. */
export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** A failure inside an execution: `name` is the ASL error name that Retry and Catch match. */
class StatesError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

const MAX_TIMER_MS = 2_147_483_647;
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

interface Waiter {
  resolve(output: Json): void;
  reject(error: Error): void;
}

interface LiveExecution {
  record: ExecutionRecord;
  /** Prepared when the execution runs: finished ones are never prepared. */
  prepared?: PreparedDefinition;
  abort?: () => void;
  signal: AbortController;
  waiters: Map<string, Waiter>;
  timers: Set<NodeJS.Timeout>;
  stopReason?: 'stopped' | 'timed-out' | 'shutdown';
  /** Set while a resumed run re-enters the state it was in: that entry is not a new one. */
  reentering: string | undefined;
  settled: Promise<void>;
}

export interface EngineOptions {
  dataDir: string;
  region: string;
  account: string;
  lambda: LambdaRuntime;
  /** Called when an execution ends (any final status), as AWS sends its EventBridge status change. */
  onStatusChange?: (execution: ExecutionRecord) => void;
  /** Multiplies every Retry interval (DPIA_SFN_RETRY_SCALE; tests only). Default 1. */
  retryScale?: number;
}

export class StepFunctionsEngine {
  private readonly store: StepFunctionsStore;
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, LiveExecution>();
  private readonly tokenOwners = new Map<string, string>();
  private closed = false;

  constructor(private readonly options: EngineOptions) {
    this.store = new StepFunctionsStore(join(options.dataDir, 'stepfunctions'));
  }

  /** Loads what was persisted and resumes every execution that was RUNNING. */
  start(): void {
    for (const machine of this.store.loadStateMachines()) this.machines.set(machine.stateMachineArn, machine);
    const running: LiveExecution[] = [];
    for (const record of this.store.loadExecutions()) {
      const live = this.track(record);
      if (record.status === 'RUNNING') {
        // Events are appended without rewriting the record: the history file has the last id.
        record.eventCount = Math.max(
          record.eventCount,
          this.store.loadHistory(record.executionArn).at(-1)?.id ?? 0,
        );
        running.push(live);
      }
    }
    for (const live of running) this.launch(live, true);
  }

  /** Stops every run without changing its persisted status, so the next start resumes it. */
  async close(): Promise<void> {
    this.closed = true;
    const settling: Promise<void>[] = [];
    for (const live of this.executions.values()) {
      if (live.record.status !== 'RUNNING') continue;
      live.stopReason = 'shutdown';
      this.halt(live);
      settling.push(live.settled);
    }
    await Promise.race([Promise.all(settling), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  // ---- state machines ------------------------------------------------------------------------

  createStateMachine(req: JsonObject) {
    const name = requireString(req, 'name');
    if (!NAME_PATTERN.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const definition = requireString(req, 'definition');
    parseDefinition(definition);
    this.validate(definition);
    const arn = `arn:aws:states:${this.options.region}:${this.options.account}:stateMachine:${name}`;
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definition === definition)
        return { stateMachineArn: arn, creationDate: existing.creationDate };
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const machine: StateMachineRecord = {
      stateMachineArn: arn,
      name,
      definition,
      roleArn:
        typeof req.roleArn === 'string' ? req.roleArn : `arn:aws:iam::${this.options.account}:role/local`,
      type: req.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      creationDate: now(),
    };
    this.machines.set(arn, machine);
    this.saveMachines();
    return { stateMachineArn: arn, creationDate: machine.creationDate };
  }

  updateStateMachine(req: JsonObject) {
    const machine = this.machine(requireString(req, 'stateMachineArn'));
    if (typeof req.definition === 'string') {
      parseDefinition(req.definition);
      this.validate(req.definition);
      machine.definition = req.definition;
    }
    if (typeof req.roleArn === 'string') machine.roleArn = req.roleArn;
    machine.updateDate = now();
    this.saveMachines();
    return { updateDate: machine.updateDate };
  }

  describeStateMachine(req: JsonObject) {
    const m = this.machine(requireString(req, 'stateMachineArn'));
    return {
      stateMachineArn: m.stateMachineArn,
      name: m.name,
      status: 'ACTIVE',
      definition: m.definition,
      roleArn: m.roleArn,
      type: m.type,
      creationDate: m.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    };
  }

  listStateMachines(req: JsonObject) {
    const all = [...this.machines.values()].map((m) => ({
      stateMachineArn: m.stateMachineArn,
      name: m.name,
      type: m.type,
      creationDate: m.creationDate,
    }));
    const { items, nextToken } = page(all, req);
    return { stateMachines: items, ...(nextToken ? { nextToken } : {}) };
  }

  deleteStateMachine(req: JsonObject) {
    const m = this.machine(requireString(req, 'stateMachineArn'));
    this.machines.delete(m.stateMachineArn);
    this.saveMachines();
    return {};
  }

  // ---- executions ----------------------------------------------------------------------------

  startExecution(req: JsonObject) {
    const machine = this.machine(requireString(req, 'stateMachineArn'));
    const name = typeof req.name === 'string' ? req.name : cryptoName();
    if (!NAME_PATTERN.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const input = typeof req.input === 'string' ? req.input : '{}';
    try {
      JSON.parse(input);
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Invalid execution input: not valid JSON');
    }
    const arn = `arn:aws:states:${this.options.region}:${this.options.account}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      // As on AWS: the same name and input while it runs is the same call; anything else is refused.
      if (existing.record.status === 'RUNNING' && existing.record.input === input) {
        return { executionArn: arn, startDate: existing.record.startDate };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const definition = parseDefinition(machine.definition);
    const startDate = now();
    const timeoutSeconds = typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : null;
    const record: ExecutionRecord = {
      executionArn: arn,
      stateMachineArn: machine.stateMachineArn,
      name,
      status: 'RUNNING',
      input,
      definition: machine.definition,
      startDate,
      timeoutAt: timeoutSeconds === null ? null : Math.round(startDate * 1000) + timeoutSeconds * 1000,
      resumePoint: null,
      pendingTasks: {},
      eventCount: 0,
    };
    const live = this.track(record);
    this.event(live, 'ExecutionStarted', {
      executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: machine.roleArn },
    });
    this.store.saveExecution(record);
    this.launch(live, false);
    return { executionArn: arn, startDate };
  }

  describeExecution(req: JsonObject) {
    const r = this.execution(requireString(req, 'executionArn')).record;
    return {
      executionArn: r.executionArn,
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: r.startDate,
      ...(r.stopDate !== undefined ? { stopDate: r.stopDate } : {}),
      input: r.input,
      inputDetails: { included: true },
      ...(r.output !== undefined ? { output: r.output, outputDetails: { included: true } } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.cause !== undefined ? { cause: r.cause } : {}),
      redriveCount: r.redriveCount ?? 0,
      ...(r.redriveDate !== undefined ? { redriveDate: r.redriveDate } : {}),
      redriveStatus: r.status === 'RUNNING' || r.status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
    };
  }

  listExecutions(req: JsonObject) {
    const machineArn = requireString(req, 'stateMachineArn');
    this.machine(machineArn);
    const filter = typeof req.statusFilter === 'string' ? req.statusFilter : undefined;
    const all = [...this.executions.values()]
      .map((l) => l.record)
      .filter((r) => r.stateMachineArn === machineArn && (!filter || r.status === filter))
      .sort((a, b) => b.startDate - a.startDate)
      .map((r) => ({
        executionArn: r.executionArn,
        stateMachineArn: r.stateMachineArn,
        name: r.name,
        status: r.status,
        startDate: r.startDate,
        ...(r.stopDate !== undefined ? { stopDate: r.stopDate } : {}),
      }));
    const { items, nextToken } = page(all, req);
    return { executions: items, ...(nextToken ? { nextToken } : {}) };
  }

  stopExecution(req: JsonObject) {
    const live = this.execution(requireString(req, 'executionArn'));
    const r = live.record;
    if (r.status !== 'RUNNING') return { stopDate: r.stopDate ?? now() };
    live.stopReason = 'stopped';
    const error = typeof req.error === 'string' ? req.error : undefined;
    const cause = typeof req.cause === 'string' ? req.cause : undefined;
    this.conclude(
      live,
      'ABORTED',
      { ...(error ? { error } : {}), ...(cause ? { cause } : {}) },
      'ExecutionAborted',
      {
        executionAbortedEventDetails: { ...(error ? { error } : {}), ...(cause ? { cause } : {}) },
      },
    );
    this.halt(live);
    return { stopDate: r.stopDate };
  }

  /**
   * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution continues at the top-level state it
   * was in when it stopped, with that state's input; the states before it are not run again. The
   * execution keeps its ARN and history; its timeout starts again (as on AWS).
   */
  redriveExecution(req: JsonObject) {
    const old = this.execution(requireString(req, 'executionArn'));
    const record = old.record;
    if (record.status === 'RUNNING' || record.status === 'SUCCEEDED' || !record.resumePoint) {
      throw new SfnError(
        'ExecutionNotRedrivable',
        `Execution '${record.executionArn}' is ${record.status}: only a failed, timed-out or aborted one can be redriven`,
      );
    }
    const machine = this.machines.get(record.stateMachineArn);
    const definition = parseDefinition(record.definition);
    const timeoutSeconds = typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : null;
    record.status = 'RUNNING';
    delete record.stopDate;
    delete record.output;
    delete record.error;
    delete record.cause;
    record.redriveCount = (record.redriveCount ?? 0) + 1;
    record.redriveDate = now();
    record.timeoutAt = timeoutSeconds === null ? null : Date.now() + timeoutSeconds * 1000;
    record.pendingTasks = {};
    const live = this.track(record);
    this.event(live, 'ExecutionRedriven', {
      executionRedrivenEventDetails: { redriveCount: record.redriveCount },
    });
    this.store.saveExecution(record);
    if (!machine) throw new SfnError('StateMachineDoesNotExist', 'State Machine Does Not Exist');
    this.launch(live, true);
    return { redriveDate: record.redriveDate };
  }

  getExecutionHistory(req: JsonObject) {
    const live = this.execution(requireString(req, 'executionArn'));
    const includeData = req.includeExecutionData !== false;
    let events = this.store.loadHistory(live.record.executionArn);
    if (req.reverseOrder === true) events = events.reverse();
    if (!includeData) events = events.map(stripData);
    const { items, nextToken } = page(events, req, 100);
    return { events: items, ...(nextToken ? { nextToken } : {}) };
  }

  // ---- task tokens ---------------------------------------------------------------------------

  sendTaskSuccess(req: JsonObject) {
    const token = requireString(req, 'taskToken');
    const output = requireString(req, 'output');
    let parsed: Json;
    try {
      parsed = JSON.parse(output) as Json;
    } catch {
      throw new SfnError('InvalidOutput', 'Invalid output: not valid JSON');
    }
    const { live, task } = this.pendingTask(token);
    task.outcome = { output };
    this.store.saveExecution(live.record);
    live.waiters.get(token)?.resolve(parsed);
    return {};
  }

  sendTaskFailure(req: JsonObject) {
    const token = requireString(req, 'taskToken');
    const { live, task } = this.pendingTask(token);
    task.outcome = {
      error: typeof req.error === 'string' ? req.error : 'States.TaskFailed',
      cause: typeof req.cause === 'string' ? req.cause : '',
    };
    this.store.saveExecution(live.record);
    live.waiters.get(token)?.reject(new StatesError(task.outcome.error, task.outcome.cause));
    return {};
  }

  sendTaskHeartbeat(req: JsonObject) {
    const { live, task } = this.pendingTask(requireString(req, 'taskToken'));
    task.lastHeartbeatAt = Date.now();
    this.store.saveExecution(live.record);
    return {};
  }

  // ---- running -------------------------------------------------------------------------------

  private track(record: ExecutionRecord): LiveExecution {
    let settle: () => void = () => {};
    const live: LiveExecution = {
      record,
      signal: new AbortController(),
      waiters: new Map(),
      timers: new Set(),
      reentering: undefined,
      settled: new Promise<void>((r) => {
        settle = r;
      }),
    };
    (live as LiveExecution & { settle: () => void }).settle = settle;
    this.executions.set(record.executionArn, live);
    for (const token of Object.keys(record.pendingTasks)) this.tokenOwners.set(token, record.executionArn);
    return live;
  }

  private launch(live: LiveExecution, resume: boolean): void {
    const { record } = live;
    const prepared = prepare(live, this.options.retryScale);
    let definition = prepared.definition;
    let input = JSON.parse(record.input) as Json;
    if (resume && record.resumePoint) {
      definition = startingAt(definition, record.resumePoint.stateName);
      input = record.resumePoint.input;
      live.reentering = record.resumePoint.stateName;
    }
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const state of prepared.states.values()) {
      if (state.type === 'Task' || state.type === 'Wait') {
        handlers[state.name] = (effective) => this.runTask(live, state, effective);
      }
    }
    const machine = this.machines.get(record.stateMachineArn);
    // biome-ignore lint/suspicious/noExplicitAny: the library types its definition more narrowly than ASL JSON.
    const stateMachine = new StateMachine(definition as any, { validationOptions: { noValidate: true } });
    const run = stateMachine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: {
        Execution: { Id: record.executionArn, Name: record.name, RoleArn: machine?.roleArn ?? '' },
        StateMachine: { Id: record.stateMachineArn, Name: machine?.name ?? '' },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
      noThrowOnAbort: true,
    });
    live.abort = run.abort;
    void (async () => {
      for await (const event of run.eventLogs) this.onLibraryEvent(live, event as unknown as LibraryEvent);
    })().catch(() => {});
    if (record.timeoutAt !== null) {
      this.timerAt(live, record.timeoutAt, () => {
        live.stopReason = 'timed-out';
        this.halt(live);
      });
    }
    run.result.then(
      (output) => this.finish(live, { output: output as Json }),
      (error: unknown) => this.finish(live, { error }),
    );
  }

  private async finish(live: LiveExecution, result: { output: Json } | { error: unknown }): Promise<void> {
    // Let queued library events (the last StateExited) reach the history before the final event.
    await new Promise((r) => setImmediate(r));
    const settle = (live as LiveExecution & { settle: () => void }).settle;
    this.clearTimers(live);
    if (live.stopReason === 'shutdown' || live.stopReason === 'stopped' || live.record.status !== 'RUNNING') {
      settle();
      return;
    }
    if (live.stopReason === 'timed-out') {
      this.conclude(live, 'TIMED_OUT', { error: 'States.Timeout' }, 'ExecutionTimedOut', {
        executionTimedOutEventDetails: { error: 'States.Timeout' },
      });
    } else if ('output' in result) {
      const output = JSON.stringify(result.output ?? null);
      this.conclude(live, 'SUCCEEDED', { output }, 'ExecutionSucceeded', {
        executionSucceededEventDetails: { output, outputDetails: { truncated: false } },
      });
    } else {
      const inner =
        result.error instanceof ExecutionError && result.error.cause instanceof Error
          ? result.error.cause
          : result.error;
      const error = inner instanceof Error ? inner.name : 'States.Runtime';
      const cause = inner instanceof Error ? inner.message : String(inner);
      this.conclude(live, 'FAILED', { error, cause }, 'ExecutionFailed', {
        executionFailedEventDetails: { error, cause },
      });
    }
    settle();
  }

  private conclude(
    live: LiveExecution,
    status: ExecutionStatus,
    fields: { output?: string; error?: string; cause?: string },
    eventType: string,
    details: Record<string, unknown>,
  ): void {
    const r = live.record;
    r.status = status;
    r.stopDate = now();
    Object.assign(r, fields);
    for (const token of Object.keys(r.pendingTasks)) this.tokenOwners.delete(token);
    r.pendingTasks = {};
    this.event(live, eventType, details);
    this.store.saveExecution(r);
    try {
      this.options.onStatusChange?.(r);
    } catch {
      // a listener's failure is its own; the execution has ended either way
    }
  }

  /** Ends the library run and every wait of this execution. */
  private halt(live: LiveExecution): void {
    this.clearTimers(live);
    live.signal.abort();
    for (const waiter of live.waiters.values())
      waiter.reject(new StatesError('States.Runtime', 'Execution stopped'));
    live.waiters.clear();
    live.abort?.();
  }

  private async runTask(live: LiveExecution, state: StateInfo, effective: Json): Promise<Json> {
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

  private async invokeLambda(
    live: LiveExecution,
    resource: string,
    payload: Json,
    timeoutSeconds: number | null,
  ) {
    this.event(live, 'LambdaFunctionScheduled', {
      lambdaFunctionScheduledEventDetails: {
        resource,
        input: JSON.stringify(payload),
        inputDetails: { truncated: false },
        ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
      },
    });
    this.event(live, 'LambdaFunctionStarted', {});
    try {
      const output = (await this.withTimeout(
        live,
        this.options.lambda.invoke(resource, payload),
        timeoutSeconds,
      )) as Json;
      this.event(live, 'LambdaFunctionSucceeded', {
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
      this.event(live, type, { [key]: { error: name, cause: message } });
      throw error;
    }
  }

  private async invokeLambdaIntegration(live: LiveExecution, params: Json, timeoutSeconds: number | null) {
    const { functionName, payload } = lambdaParameters(params);
    const details = { resourceType: 'lambda', resource: 'invoke' };
    this.event(live, 'TaskScheduled', {
      taskScheduledEventDetails: {
        ...details,
        region: this.options.region,
        parameters: JSON.stringify(params),
        ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
      },
    });
    this.event(live, 'TaskStarted', { taskStartedEventDetails: details });
    try {
      const output = (await this.withTimeout(
        live,
        this.options.lambda.invoke(functionName, payload),
        timeoutSeconds,
      )) as Json;
      const envelope: Json = {
        ExecutedVersion: '$LATEST',
        Payload: output,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: cryptoName() },
        StatusCode: 200,
      };
      this.taskSucceededEvent(live, details, envelope);
      return envelope;
    } catch (error) {
      this.taskFailedEvent(live, details, error as Error);
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
      const token = randomBytes(48).toString('base64url');
      const startedAt = Date.now();
      task = {
        token,
        stateName: state.name,
        entry,
        startedAt,
        timeoutAt: timeoutSeconds ? startedAt + timeoutSeconds * 1000 : null,
        heartbeatSeconds,
        lastHeartbeatAt: startedAt,
        invoked: false,
      };
      record.pendingTasks[token] = task;
      this.tokenOwners.set(token, record.executionArn);
      this.store.saveExecution(record);
      this.event(live, 'TaskScheduled', {
        taskScheduledEventDetails: {
          ...details,
          region: this.options.region,
          parameters: JSON.stringify(params),
          ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
          ...(heartbeatSeconds ? { heartbeatInSeconds: heartbeatSeconds } : {}),
        },
      });
      this.event(live, 'TaskStarted', { taskStartedEventDetails: details });
    }
    // A new task, or one whose Lambda a crash cut off before it returned (and no answer came).
    if (task.invoked === false && !task.outcome) {
      const invoking = task;
      const { functionName, payload } = lambdaParameters(
        replaceDeep(params, TOKEN_PLACEHOLDER, invoking.token),
      );
      try {
        const output = await this.options.lambda.invoke(functionName, payload);
        invoking.invoked = true;
        this.store.saveExecution(record);
        this.event(live, 'TaskSubmitted', {
          taskSubmittedEventDetails: {
            ...details,
            output: JSON.stringify({ Payload: output ?? null, StatusCode: 200 }),
          },
        });
      } catch (error) {
        this.closeTask(live, invoking.token);
        this.taskFailedEvent(live, details, error as Error);
        throw error;
      }
    }
    const token = task.token;
    try {
      const output = await this.awaitCallback(live, task);
      this.taskSucceededEvent(live, details, output);
      return output;
    } catch (error) {
      this.taskFailedEvent(live, details, error as Error);
      throw error;
    } finally {
      this.closeTask(live, token);
    }
  }

  private awaitCallback(live: LiveExecution, task: PendingTask): Promise<Json> {
    if (task.outcome) {
      return 'output' in task.outcome
        ? Promise.resolve(JSON.parse(task.outcome.output) as Json)
        : Promise.reject(new StatesError(task.outcome.error, task.outcome.cause));
    }
    return new Promise<Json>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const done = () => {
        live.waiters.delete(task.token);
        for (const t of timers) {
          clearTimeout(t);
          live.timers.delete(t);
        }
      };
      live.waiters.set(task.token, {
        resolve: (output) => {
          done();
          resolve(output);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      const fail = (name: string) => () => live.waiters.get(task.token)?.reject(new StatesError(name, ''));
      if (task.timeoutAt !== null) timers.push(this.timerAt(live, task.timeoutAt, fail('States.Timeout')));
      if (task.heartbeatSeconds) {
        const seconds = task.heartbeatSeconds;
        const check = () => {
          const due = task.lastHeartbeatAt + seconds * 1000;
          if (Date.now() >= due) fail('States.HeartbeatTimeout')();
          else timers.push(this.timerAt(live, due, check));
        };
        timers.push(this.timerAt(live, task.lastHeartbeatAt + seconds * 1000, check));
      }
    });
  }

  private closeTask(live: LiveExecution, token: string): void {
    if (live.stopReason === 'shutdown') return; // the task is still open: a restart waits on it again
    delete live.record.pendingTasks[token];
    this.tokenOwners.delete(token);
    this.store.saveExecution(live.record);
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
      const timer = this.timerAt(live, until, resolve);
      live.signal.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new StatesError('States.Runtime', 'Execution stopped'));
      });
    });
    return (effective.__input ?? null) as Json;
  }

  private async withTimeout<T>(
    live: LiveExecution,
    work: Promise<T>,
    timeoutSeconds: number | null,
  ): Promise<T> {
    if (!timeoutSeconds) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.timerAt(live, Date.now() + timeoutSeconds * 1000, () =>
        reject(new StatesError('States.Timeout', '')),
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** A timer at an absolute time, of any length: Node's own overflow past 24.8 days is stepped over. */
  private timerAt(live: LiveExecution, at: number, fire: () => void): NodeJS.Timeout {
    const remaining = at - Date.now();
    const timer = setTimeout(
      () => {
        live.timers.delete(timer);
        if (Date.now() >= at) fire();
        else this.timerAt(live, at, fire);
      },
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
    live.timers.add(timer);
    return timer;
  }

  private clearTimers(live: LiveExecution): void {
    for (const t of live.timers) clearTimeout(t);
    live.timers.clear();
  }

  private taskSucceededEvent(
    live: LiveExecution,
    details: { resourceType: string; resource: string },
    output: Json,
  ) {
    this.event(live, 'TaskSucceeded', {
      taskSucceededEventDetails: {
        ...details,
        output: JSON.stringify(output),
        outputDetails: { truncated: false },
      },
    });
  }

  private taskFailedEvent(
    live: LiveExecution,
    details: { resourceType: string; resource: string },
    error: Error,
  ) {
    const timedOut = error.name === 'States.Timeout' || error.name === 'States.HeartbeatTimeout';
    const type = timedOut ? 'TaskTimedOut' : 'TaskFailed';
    const key = type === 'TaskTimedOut' ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails';
    this.event(live, type, { [key]: { ...details, error: error.name, cause: error.message } });
  }

  private onLibraryEvent(live: LiveExecution, event: LibraryEvent): void {
    if (live.record.status !== 'RUNNING' || this.closed) return;
    const { record } = live;
    const prepared = prepare(live);
    if (event.type === 'StateEntered' || event.type === 'StateExited') {
      const state = event.state;
      const type = prepared.states.get(state.name)?.type ?? state.type;
      const topLevel = event.index === undefined && prepared.topLevelStates.has(state.name);
      if (event.type === 'StateEntered') {
        if (topLevel && live.reentering === state.name) {
          live.reentering = undefined; // resumed into the state it was in: not a new entry
          return;
        }
        live.reentering = undefined;
        if (topLevel) {
          record.resumePoint = {
            stateName: state.name,
            input: state.input as Json,
            enteredAt: Date.now(),
            entry: (record.resumePoint?.entry ?? 0) + 1,
          };
          this.store.saveExecution(record);
        }
        this.event(live, `${type}StateEntered`, {
          stateEnteredEventDetails: {
            name: state.name,
            input: JSON.stringify(state.input ?? null),
            inputDetails: { truncated: false },
          },
        });
      } else {
        this.event(live, `${type}StateExited`, {
          stateExitedEventDetails: {
            name: state.name,
            output: JSON.stringify(state.output ?? null),
            outputDetails: { truncated: false },
          },
        });
      }
      return;
    }
    if (event.type.startsWith('MapIteration')) {
      const key = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
      this.event(live, event.type, { [key]: { name: event.parentState?.name, index: event.index } });
    }
  }

  private event(live: LiveExecution, type: string, details: Record<string, unknown>): void {
    const record = live.record;
    // Nothing is written while shutting down, nor after the execution's final event.
    if (live.stopReason === 'shutdown' || (record.status !== 'RUNNING' && !type.startsWith('Execution')))
      return;
    record.eventCount += 1;
    const event: HistoryEvent = {
      timestamp: now(),
      type,
      id: record.eventCount,
      previousEventId: record.eventCount - 1,
      ...details,
    };
    // Only the append: the record is rewritten when its status, resume point or tasks change.
    this.store.appendHistory(record.executionArn, event);
  }

  // ---- lookups -------------------------------------------------------------------------------

  private validate(definition: string): void {
    try {
      // biome-ignore lint/suspicious/noExplicitAny: validation only; the library checks the shape.
      new StateMachine(JSON.parse(definition) as any, {
        validationOptions: { checkPaths: true, checkArn: false },
      });
    } catch (error) {
      throw new SfnError(
        'InvalidDefinition',
        `Invalid State Machine Definition: ${(error as Error).message}`,
      );
    }
  }

  private machine(arn: string): StateMachineRecord {
    if (!arn.startsWith('arn:aws:states:')) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    const machine = this.machines.get(arn);
    if (!machine) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: string): LiveExecution {
    if (!arn.startsWith('arn:aws:states:')) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    const live = this.executions.get(arn);
    if (!live) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return live;
  }

  private pendingTask(token: string): { live: LiveExecution; task: PendingTask } {
    const owner = this.tokenOwners.get(token);
    const live = owner ? this.executions.get(owner) : undefined;
    const task = live?.record.pendingTasks[token];
    if (!live || !task || task.outcome) {
      throw new SfnError(
        'TaskDoesNotExist',
        'Task Does Not Exist: the token is unknown, or its task has closed',
      );
    }
    if (task.timeoutAt !== null && Date.now() >= task.timeoutAt) {
      throw new SfnError('TaskTimedOut', 'Task Timed Out');
    }
    return { live, task };
  }

  private saveMachines(): void {
    this.store.saveStateMachines([...this.machines.values()]);
  }
}

interface LibraryEvent {
  type: string;
  state: { name: string; type: string; input?: unknown; output?: unknown };
  index?: number;
  parentState?: { name: string };
}

function prepare(live: LiveExecution, retryScale?: number): PreparedDefinition {
  live.prepared ??= prepareDefinition(
    parseDefinition(live.record.definition),
    retryScale === undefined ? {} : { retryScale },
  );
  return live.prepared;
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

function requireString(req: JsonObject, field: string): string {
  const value = req[field];
  if (typeof value !== 'string' || value === '') {
    throw new SfnError('ValidationException', `1 validation error detected: '${field}' must not be null`);
  }
  return value;
}

function page<T>(all: T[], req: JsonObject, defaultSize = 100): { items: T[]; nextToken?: string } {
  const size =
    typeof req.maxResults === 'number' && req.maxResults > 0 ? Math.min(req.maxResults, 1000) : defaultSize;
  const start =
    typeof req.nextToken === 'string' ? Number(Buffer.from(req.nextToken, 'base64url').toString()) || 0 : 0;
  const items = all.slice(start, start + size);
  const next =
    start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return next ? { items, nextToken: next } : { items };
}

function stripData(event: HistoryEvent): HistoryEvent {
  const copy: HistoryEvent = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (key.endsWith('EventDetails') && isObject(value)) {
      const { input: _i, output: _o, ...rest } = value;
      copy[key] = rest;
    }
  }
  return copy;
}

const now = (): number => Date.now() / 1000;
const cryptoName = (): string => randomBytes(16).toString('hex');
