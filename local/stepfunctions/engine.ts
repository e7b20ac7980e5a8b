// The local Step Functions service: state machines and executions with the semantics of AWS
// Standard workflows, running definitions with aws-local-stepfunctions. This file is the API (one
// method per action the server routes); the rest of the folder is what the library lacks, one
// question per file (see README.md): running an execution (run.ts), Task and Wait states
// (tasks.ts), task tokens (tokens.ts), the history (history.ts), timers (execution.ts) and
// persistence with resume after a restart (store.ts).
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LambdaRuntime } from '../lambda.js';
import { type JsonObject, parseDefinition } from './definition.js';
import { SfnError } from './errors.js';
import { type LiveExecution, liveExecution } from './execution.js';
import { History, now } from './history.js';
import { cryptoName, page, requireString } from './requests.js';
import { ExecutionRunner } from './run.js';
import { type ExecutionRecord, type StateMachineRecord, StepFunctionsStore } from './store.js';
import { Tasks } from './tasks.js';
import { TaskTokens } from './tokens.js';

export { SfnError } from './errors.js';

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

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
  private readonly history: History;
  private readonly tokens: TaskTokens;
  private readonly runner: ExecutionRunner;
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, LiveExecution>();
  private closed = false;

  constructor(private readonly options: EngineOptions) {
    this.store = new StepFunctionsStore(join(options.dataDir, 'stepfunctions'));
    this.history = new History(this.store);
    this.tokens = new TaskTokens(this.store, (arn) => this.executions.get(arn));
    this.runner = new ExecutionRunner({
      options,
      store: this.store,
      history: this.history,
      tokens: this.tokens,
      tasks: new Tasks(options, this.history, this.tokens),
      machine: (arn) => this.machines.get(arn),
      closing: () => this.closed,
    });
  }

  /** Loads what was persisted and resumes every execution that was RUNNING. */
  start(): void {
    for (const machine of this.store.loadStateMachines()) this.machines.set(machine.stateMachineArn, machine);
    const running: LiveExecution[] = [];
    for (const record of this.store.loadExecutions()) {
      const live = this.track(record);
      if (record.status === 'RUNNING') {
        // Events are appended without rewriting the record: the history file has the last id.
        record.eventCount = Math.max(record.eventCount, this.history.lastId(record.executionArn));
        running.push(live);
      }
    }
    for (const live of running) this.runner.launch(live, true);
  }

  /** Stops every run without changing its persisted status, so the next start resumes it. */
  async close(): Promise<void> {
    this.closed = true;
    const settling: Promise<void>[] = [];
    for (const live of this.executions.values()) {
      if (live.record.status !== 'RUNNING') continue;
      live.stopReason = 'shutdown';
      this.runner.halt(live);
      settling.push(live.settled);
    }
    await Promise.race([Promise.all(settling), new Promise((r) => setTimeout(r, 2000).unref())]);
    this.store.close();
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
    this.history.append(live, 'ExecutionStarted', {
      executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: machine.roleArn },
    });
    this.store.saveExecution(record);
    this.runner.launch(live, false);
    return { executionArn: arn, startDate };
  }

  describeExecution(req: JsonObject) {
    const r = this.execution(requireString(req, 'executionArn')).record;
    return {
      ...executionSummary(r),
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
      .map(executionSummary);
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
    this.runner.conclude(
      live,
      'ABORTED',
      { ...(error ? { error } : {}), ...(cause ? { cause } : {}) },
      'ExecutionAborted',
      {
        executionAbortedEventDetails: { ...(error ? { error } : {}), ...(cause ? { cause } : {}) },
      },
    );
    this.runner.halt(live);
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
    this.history.append(live, 'ExecutionRedriven', {
      executionRedrivenEventDetails: { redriveCount: record.redriveCount },
    });
    this.store.saveExecution(record);
    if (!machine) throw new SfnError('StateMachineDoesNotExist', 'State Machine Does Not Exist');
    this.runner.launch(live, true);
    return { redriveDate: record.redriveDate };
  }

  getExecutionHistory(req: JsonObject) {
    const live = this.execution(requireString(req, 'executionArn'));
    const includeData = req.includeExecutionData !== false;
    const events = this.history.read(live.record.executionArn, {
      reverse: req.reverseOrder === true,
      includeData,
    });
    const { items, nextToken } = page(events, req, 100);
    return { events: items, ...(nextToken ? { nextToken } : {}) };
  }

  // ---- task tokens ---------------------------------------------------------------------------

  sendTaskSuccess(req: JsonObject) {
    return this.tokens.sendTaskSuccess(req);
  }

  sendTaskFailure(req: JsonObject) {
    return this.tokens.sendTaskFailure(req);
  }

  sendTaskHeartbeat(req: JsonObject) {
    return this.tokens.sendTaskHeartbeat(req);
  }

  private track(record: ExecutionRecord): LiveExecution {
    const live = liveExecution(record);
    this.executions.set(record.executionArn, live);
    this.tokens.adopt(record);
    return live;
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

  private saveMachines(): void {
    this.store.saveStateMachines([...this.machines.values()]);
  }
}

/** What ListExecutions gives of an execution, and DescribeExecution begins with. */
function executionSummary(r: ExecutionRecord) {
  return {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: r.startDate,
    ...(r.stopDate !== undefined ? { stopDate: r.stopDate } : {}),
  };
}
