// Running an execution: the definition goes to aws-local-stepfunctions with the Task and Wait
// states handed back to the wrapper (tasks.ts); the library's state events become history events
// and, for top-level states, the resume point a restart or a redrive continues from. Ends in one of
// SUCCEEDED, FAILED, TIMED_OUT or ABORTED, or is halted on shutdown with its status kept RUNNING.
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { type Json, startingAt, TOKEN_PLACEHOLDER } from './definition.js';
import type { EngineOptions } from './engine.js';
import { StatesError } from './errors.js';
import { clearTimers, type LiveExecution, prepared, timerAt } from './execution.js';
import { type History, now } from './history.js';
import type { ExecutionStatus, StateMachineRecord, StepFunctionsStore } from './store.js';
import type { Tasks } from './tasks.js';
import type { TaskTokens } from './tokens.js';

/** What an in-process observer hears of an execution that ended. */
export interface ExecutionEnd {
  executionArn: string;
  name: string;
  status: ExecutionStatus;
}

/** Kept on the global object, so every copy of this module in the process shares the listeners. */
const END_LISTENERS = Symbol.for('camera-dpia.local.stepfunctions.ends');

function endListeners(): Set<(end: ExecutionEnd) => void> {
  const global = globalThis as { [END_LISTENERS]?: Set<(end: ExecutionEnd) => void> };
  global[END_LISTENERS] ??= new Set();
  return global[END_LISTENERS];
}

/**
 * Calls `listener` as each execution of a local engine in this process ends (in-process observers
 * such as the benchmarks, which would otherwise poll ListExecutions). Returns the unsubscribe.
 */
export function watchExecutionEnds(listener: (end: ExecutionEnd) => void): () => void {
  endListeners().add(listener);
  return () => endListeners().delete(listener);
}

interface LibraryEvent {
  type: string;
  state: { name: string; type: string; input?: unknown; output?: unknown };
  index?: number;
  parentState?: { name: string };
}

export class ExecutionRunner {
  constructor(
    private readonly parts: {
      options: EngineOptions;
      store: StepFunctionsStore;
      history: History;
      tokens: TaskTokens;
      tasks: Tasks;
      machine: (arn: string) => StateMachineRecord | undefined;
      /** True once the engine is closing: no more history is written. */
      closing: () => boolean;
    },
  ) {}

  launch(live: LiveExecution, resume: boolean): void {
    const { record } = live;
    const { options, tasks } = this.parts;
    const prepare = prepared(live, options.retryScale);
    let definition = prepare.definition;
    let input = JSON.parse(record.input) as Json;
    if (resume && record.resumePoint) {
      definition = startingAt(definition, record.resumePoint.stateName);
      input = record.resumePoint.input;
      live.reentering = record.resumePoint.stateName;
    }
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const state of prepare.states.values()) {
      if (state.type === 'Task' || state.type === 'Wait') {
        handlers[state.name] = (effective) => tasks.run(live, state, effective);
      }
    }
    const machine = this.parts.machine(record.stateMachineArn);
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
      timerAt(live, record.timeoutAt, () => {
        live.stopReason = 'timed-out';
        this.halt(live);
      });
    }
    run.result.then(
      (output) => this.finish(live, { output: output as Json }),
      (error: unknown) => this.finish(live, { error }),
    );
  }

  /** Ends the execution with its final status and event, and tells the status listener. */
  conclude(
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
    this.parts.tokens.closeAll(r);
    this.parts.history.append(live, eventType, details);
    this.parts.store.saveExecution(r);
    this.parts.store.closeHistory(r.executionArn);
    try {
      this.parts.options.onStatusChange?.(r);
    } catch {
      // a listener's failure is its own; the execution has ended either way
    }
    for (const listener of endListeners()) {
      try {
        listener({ executionArn: r.executionArn, name: r.name, status: r.status });
      } catch {
        // as above
      }
    }
  }

  /** Ends the library run and every wait of this execution. */
  halt(live: LiveExecution): void {
    clearTimers(live);
    live.signal.abort();
    for (const waiter of live.waiters.values())
      waiter.reject(new StatesError('States.Runtime', 'Execution stopped'));
    live.waiters.clear();
    live.abort?.();
  }

  private async finish(live: LiveExecution, result: { output: Json } | { error: unknown }): Promise<void> {
    // Let queued library events (the last StateExited) reach the history before the final event.
    await new Promise((r) => setImmediate(r));
    clearTimers(live);
    // The library's run has ended: what it held (the prepared definition, the run and its state)
    // goes, so a stack that has run thousands of executions keeps only their records.
    delete live.prepared;
    delete live.abort;
    if (live.stopReason === 'shutdown' || live.stopReason === 'stopped' || live.record.status !== 'RUNNING') {
      live.settle();
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
    live.settle();
  }

  private onLibraryEvent(live: LiveExecution, event: LibraryEvent): void {
    if (live.record.status !== 'RUNNING' || this.parts.closing()) return;
    const { record } = live;
    const { history, store } = this.parts;
    const prepare = prepared(live);
    if (event.type === 'StateEntered' || event.type === 'StateExited') {
      const state = event.state;
      const type = prepare.states.get(state.name)?.type ?? state.type;
      const topLevel = event.index === undefined && prepare.topLevelStates.has(state.name);
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
          store.saveExecution(record);
        }
        history.append(live, `${type}StateEntered`, {
          stateEnteredEventDetails: {
            name: state.name,
            input: JSON.stringify(state.input ?? null),
            inputDetails: { truncated: false },
          },
        });
      } else {
        history.append(live, `${type}StateExited`, {
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
      history.append(live, event.type, { [key]: { name: event.parentState?.name, index: event.index } });
    }
  }
}
