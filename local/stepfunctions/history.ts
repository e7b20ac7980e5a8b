// An execution's history in the AWS event format (GetExecutionHistory): events are appended to the
// store as they happen, never rewritten; ids count up from 1 and each names the one before.
import { isObject } from './definition.js';
import type { LiveExecution } from './execution.js';
import type { HistoryEvent, StepFunctionsStore } from './store.js';

export interface TaskDetails {
  resourceType: string;
  resource: string;
}

export class History {
  constructor(private readonly store: StepFunctionsStore) {}

  append(live: LiveExecution, type: string, details: Record<string, unknown>): void {
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

  /** TaskScheduled (with what was scheduled) and TaskStarted: a task of a service integration begins. */
  taskStarted(live: LiveExecution, details: TaskDetails, scheduled: Record<string, unknown>): void {
    this.append(live, 'TaskScheduled', { taskScheduledEventDetails: { ...details, ...scheduled } });
    this.append(live, 'TaskStarted', { taskStartedEventDetails: details });
  }

  taskSucceeded(live: LiveExecution, details: TaskDetails, output: unknown): void {
    this.append(live, 'TaskSucceeded', {
      taskSucceededEventDetails: {
        ...details,
        output: JSON.stringify(output),
        outputDetails: { truncated: false },
      },
    });
  }

  taskFailed(live: LiveExecution, details: TaskDetails, error: Error): void {
    const timedOut = error.name === 'States.Timeout' || error.name === 'States.HeartbeatTimeout';
    const type = timedOut ? 'TaskTimedOut' : 'TaskFailed';
    const key = type === 'TaskTimedOut' ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails';
    this.append(live, type, { [key]: { ...details, error: error.name, cause: error.message } });
  }

  /** The events, as GetExecutionHistory pages them (`includeExecutionData: false` drops data). */
  read(executionArn: string, options: { reverse: boolean; includeData: boolean }): HistoryEvent[] {
    let events = this.store.loadHistory(executionArn);
    if (options.reverse) events = events.reverse();
    return options.includeData ? events : events.map(stripData);
  }

  /** The id of the last event written, for an execution resumed after a restart. */
  lastId(executionArn: string): number {
    return this.store.loadHistory(executionArn).at(-1)?.id ?? 0;
  }
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

/** Step Functions' timestamps: seconds since the epoch, with fractions. */
export const now = (): number => Date.now() / 1000;
