// Task tokens (`.waitForTaskToken`): which execution owns each open token, the API calls that
// answer one (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) and the wait for that answer
// with its TimeoutSeconds and HeartbeatSeconds. An answer is saved with the task before the waiting
// run hears it, so an answer given just before a crash is not lost.
import type { Json, JsonObject } from './definition.js';
import { SfnError, StatesError } from './errors.js';
import { type LiveExecution, timerAt } from './execution.js';
import { requireString } from './requests.js';
import type { ExecutionRecord, PendingTask, StepFunctionsStore } from './store.js';

export class TaskTokens {
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly store: StepFunctionsStore,
    private readonly execution: (arn: string) => LiveExecution | undefined,
  ) {}

  /** Takes over the open tokens of an execution loaded from the store. */
  adopt(record: ExecutionRecord): void {
    for (const token of Object.keys(record.pendingTasks)) this.owners.set(token, record.executionArn);
  }

  /** Opens a task's token and saves it before its Lambda is invoked. */
  open(live: LiveExecution, task: PendingTask): void {
    live.record.pendingTasks[task.token] = task;
    this.owners.set(task.token, live.record.executionArn);
    this.store.saveExecution(live.record);
  }

  /** The task's Lambda has returned: after a restart it is not invoked again. */
  invoked(live: LiveExecution, task: PendingTask): void {
    task.invoked = true;
    this.store.saveExecution(live.record);
  }

  close(live: LiveExecution, token: string): void {
    if (live.stopReason === 'shutdown') return; // the task is still open: a restart waits on it again
    delete live.record.pendingTasks[token];
    this.owners.delete(token);
    this.store.saveExecution(live.record);
  }

  /** Forgets every open token of an execution that has ended (the caller saves the record). */
  closeAll(record: ExecutionRecord): void {
    for (const token of Object.keys(record.pendingTasks)) this.owners.delete(token);
    record.pendingTasks = {};
  }

  sendTaskSuccess(req: JsonObject) {
    const token = requireString(req, 'taskToken');
    const output = requireString(req, 'output');
    let parsed: Json;
    try {
      parsed = JSON.parse(output) as Json;
    } catch {
      throw new SfnError('InvalidOutput', 'Invalid output: not valid JSON');
    }
    const { live, task } = this.pending(token);
    task.outcome = { output };
    this.store.saveExecution(live.record);
    live.waiters.get(token)?.resolve(parsed);
    return {};
  }

  sendTaskFailure(req: JsonObject) {
    const token = requireString(req, 'taskToken');
    const { live, task } = this.pending(token);
    task.outcome = {
      error: typeof req.error === 'string' ? req.error : 'States.TaskFailed',
      cause: typeof req.cause === 'string' ? req.cause : '',
    };
    this.store.saveExecution(live.record);
    live.waiters.get(token)?.reject(new StatesError(task.outcome.error, task.outcome.cause));
    return {};
  }

  sendTaskHeartbeat(req: JsonObject) {
    const { live, task } = this.pending(requireString(req, 'taskToken'));
    task.lastHeartbeatAt = Date.now();
    this.store.saveExecution(live.record);
    return {};
  }

  /** The task's answer: one saved already (before a restart), or the next one sent. */
  awaitAnswer(live: LiveExecution, task: PendingTask): Promise<Json> {
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
      if (task.timeoutAt !== null) timers.push(timerAt(live, task.timeoutAt, fail('States.Timeout')));
      if (task.heartbeatSeconds) {
        const seconds = task.heartbeatSeconds;
        const check = () => {
          const due = task.lastHeartbeatAt + seconds * 1000;
          if (Date.now() >= due) fail('States.HeartbeatTimeout')();
          else timers.push(timerAt(live, due, check));
        };
        timers.push(timerAt(live, task.lastHeartbeatAt + seconds * 1000, check));
      }
    });
  }

  private pending(token: string): { live: LiveExecution; task: PendingTask } {
    const owner = this.owners.get(token);
    const live = owner ? this.execution(owner) : undefined;
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
}
