// Prepares an Amazon States Language definition for aws-local-stepfunctions without changing what
// it means. The library has no task tokens, a 60 s default task timeout, timers that overflow past
// 24.8 days, and resolves TimeoutSecondsPath after Parameters; so every Task's timeouts, and every
// Wait, are handed to our own task handler, which enforces them exactly and across restarts.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The context value our handler swaps for a freshly minted task token. */
export const TOKEN_PLACEHOLDER = '__dpia_local_task_token__';

/** Longest timer Node accepts (2^31-1 ms), in whole seconds: the library's own timeout stays out of the way. */
export const LIBRARY_TASK_TIMEOUT_SECONDS = 2_147_483;

export interface StateInfo {
  name: string;
  /** The state's type as written (a Wait stays `Wait` in the history even though it runs as a Task). */
  type: string;
  resource?: string;
  topLevel: boolean;
}

export interface PreparedDefinition {
  definition: JsonObject;
  states: Map<string, StateInfo>;
  topLevelStates: Set<string>;
  executionTimeoutSeconds: number | undefined;
}

export class InvalidDefinitionError extends Error {
  override readonly name = 'InvalidDefinition';
}

export function parseDefinition(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidDefinitionError(
      `Invalid State Machine Definition: not JSON (${(error as Error).message})`,
    );
  }
  if (!isObject(parsed) || typeof parsed.StartAt !== 'string' || !isObject(parsed.States)) {
    throw new InvalidDefinitionError("Invalid State Machine Definition: 'StartAt' and 'States' are required");
  }
  if (!(parsed.StartAt in parsed.States)) {
    throw new InvalidDefinitionError(
      `Invalid State Machine Definition: MISSING_TRANSITION_TARGET: StartAt '${parsed.StartAt}' is not a state`,
    );
  }
  return parsed;
}

export function prepareDefinition(
  original: JsonObject,
  options: { retryScale?: number } = {},
): PreparedDefinition {
  const states = new Map<string, StateInfo>();
  const definition = structuredClone(original);
  if (options.retryScale !== undefined && options.retryScale !== 1)
    scaleRetries(definition, options.retryScale);
  const executionTimeoutSeconds =
    typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : undefined;
  delete definition.TimeoutSeconds;
  rewriteStates(definition, states, true);
  const topLevelStates = new Set(Object.keys(definition.States as JsonObject));
  return { definition, states, topLevelStates, executionTimeoutSeconds };
}

/**
 * Every Retry interval times `scale` (the local stack's DPIA_SFN_RETRY_SCALE): fault-injection tests
 * run the deployed retry policy, attempts and backoff included, in fractions of its seconds.
 */
function scaleRetries(machine: JsonObject, scale: number): void {
  for (const state of Object.values(machine.States as JsonObject)) {
    if (!isObject(state)) continue;
    for (const retrier of Array.isArray(state.Retry) ? state.Retry : []) {
      if (!isObject(retrier)) continue;
      retrier.IntervalSeconds =
        (typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1) * scale;
    }
    const processor = state.ItemProcessor ?? state.Iterator;
    if (isObject(processor)) scaleRetries(processor, scale);
    if (Array.isArray(state.Branches))
      for (const b of state.Branches) if (isObject(b)) scaleRetries(b, scale);
  }
}

/** The same definition started at another state: how a restarted execution resumes. */
export function startingAt(definition: JsonObject, stateName: string): JsonObject {
  return { ...definition, StartAt: stateName };
}

function rewriteStates(machine: JsonObject, states: Map<string, StateInfo>, topLevel: boolean): void {
  const machineStates = machine.States as JsonObject;
  for (const [name, raw] of Object.entries(machineStates)) {
    if (!isObject(raw)) throw new InvalidDefinitionError(`State '${name}' is not an object`);
    const type = String(raw.Type);
    const info: StateInfo = { name, type, topLevel };
    if (typeof raw.Resource === 'string') info.resource = raw.Resource;
    states.set(name, info);
    if (type === 'Task') machineStates[name] = rewriteTask(raw);
    if (type === 'Wait') machineStates[name] = rewriteWait(raw);
    if (type === 'Map') {
      const processor = raw.ItemProcessor ?? raw.Iterator;
      if (isObject(processor)) rewriteStates(processor, states, false);
    }
    if (type === 'Parallel' && Array.isArray(raw.Branches)) {
      for (const branch of raw.Branches) if (isObject(branch)) rewriteStates(branch, states, false);
    }
  }
}

/**
 * Parameters become `{ __params: <original>, __timeout: <seconds or path>, __heartbeat: ... }`: the
 * timeout paths are resolved against the same input as Parameters (the state input after
 * InputPath), and the handler unwraps `__params` to call the resource exactly as before.
 */
function rewriteTask(state: JsonObject): JsonObject {
  const { TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath, Parameters, ...rest } =
    state;
  const wrapper: JsonObject = Parameters === undefined ? { '__params.$': '$' } : { __params: Parameters };
  if (typeof TimeoutSeconds === 'number') wrapper.__timeout = TimeoutSeconds;
  if (typeof TimeoutSecondsPath === 'string') wrapper['__timeout.$'] = TimeoutSecondsPath;
  if (typeof HeartbeatSeconds === 'number') wrapper.__heartbeat = HeartbeatSeconds;
  if (typeof HeartbeatSecondsPath === 'string') wrapper['__heartbeat.$'] = HeartbeatSecondsPath;
  return { ...rest, Parameters: wrapper, TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS };
}

/** A Wait runs as a Task whose handler sleeps until the computed time and returns its input. */
function rewriteWait(state: JsonObject): JsonObject {
  const { Seconds, SecondsPath, Timestamp, TimestampPath, Type: _type, ...rest } = state;
  const wait: JsonObject = {};
  if (Seconds !== undefined) wait.seconds = Seconds;
  if (typeof SecondsPath === 'string') wait['seconds.$'] = SecondsPath;
  if (Timestamp !== undefined) wait.timestamp = Timestamp;
  if (typeof TimestampPath === 'string') wait['timestamp.$'] = TimestampPath;
  return {
    ...rest,
    Type: 'Task',
    Resource: 'arn:dpia:local:wait',
    Parameters: { __wait: wait, '__input.$': '$' },
    TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
  };
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every string equal to `from` anywhere in `value`, replaced by `to`. */
export function replaceDeep(value: Json, from: string, to: string): Json {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  return value;
}
