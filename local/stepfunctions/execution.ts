// One execution while this process holds it: its persisted record, the prepared definition, the
// callbacks waiting for task tokens and the timers that end waits. Timers are absolute times of any
// length (Node's own setTimeout overflows past 24.8 days), all cleared when the execution stops.
import { type Json, type PreparedDefinition, parseDefinition, prepareDefinition } from './definition.js';
import { StatesError } from './errors.js';
import type { ExecutionRecord } from './store.js';

const MAX_TIMER_MS = 2_147_483_647;

export interface Waiter {
  resolve(output: Json): void;
  reject(error: Error): void;
}

export interface LiveExecution {
  record: ExecutionRecord;
  /** Prepared when the execution runs: finished ones are never prepared. */
  prepared?: PreparedDefinition;
  abort?: () => void;
  signal: AbortController;
  /** Callbacks waiting for SendTaskSuccess/Failure, by task token. */
  waiters: Map<string, Waiter>;
  timers: Set<NodeJS.Timeout>;
  stopReason?: 'stopped' | 'timed-out' | 'shutdown';
  /** Set while a resumed run re-enters the state it was in: that entry is not a new one. */
  reentering: string | undefined;
  /** Resolves once the run has stopped (finished, stopped or shut down). */
  settled: Promise<void>;
  settle: () => void;
}

export function liveExecution(record: ExecutionRecord): LiveExecution {
  let settle: () => void = () => {};
  const settled = new Promise<void>((r) => {
    settle = r;
  });
  return {
    record,
    signal: new AbortController(),
    waiters: new Map(),
    timers: new Set(),
    reentering: undefined,
    settled,
    settle,
  };
}

/** The execution's definition with the wrapper's task and wait hooks, prepared once. */
export function prepared(live: LiveExecution, retryScale?: number): PreparedDefinition {
  live.prepared ??= prepareDefinition(
    parseDefinition(live.record.definition),
    retryScale === undefined ? {} : { retryScale },
  );
  return live.prepared;
}

/** A timer at an absolute time, of any length: Node's own overflow past 24.8 days is stepped over. */
export function timerAt(live: LiveExecution, at: number, fire: () => void): NodeJS.Timeout {
  const remaining = at - Date.now();
  const timer = setTimeout(
    () => {
      live.timers.delete(timer);
      if (Date.now() >= at) fire();
      else timerAt(live, at, fire);
    },
    Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
  );
  live.timers.add(timer);
  return timer;
}

export function clearTimers(live: LiveExecution): void {
  for (const t of live.timers) clearTimeout(t);
  live.timers.clear();
}

/** `work`, or `States.Timeout` once `timeoutSeconds` have passed (no limit when null). */
export async function withTimeout<T>(
  live: LiveExecution,
  work: Promise<T>,
  timeoutSeconds: number | null,
): Promise<T> {
  if (!timeoutSeconds) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = timerAt(live, Date.now() + timeoutSeconds * 1000, () =>
      reject(new StatesError('States.Timeout', '')),
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
