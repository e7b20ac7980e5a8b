// Persists state machines, executions and their histories under the data directory, so that
// executions survive a restart (including kill -9): every record is replaced atomically
// (write, then rename) and history is an append-only JSON-lines file.
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Json } from './definition.js';

export interface StateMachineRecord {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: number;
  updateDate?: number;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A task waiting for SendTaskSuccess/Failure, kept so a restart can wait on the same token. */
export interface PendingTask {
  token: string;
  stateName: string;
  /** Which entry into a top-level state this is (nested tasks: -1, they are re-run on resume). */
  entry: number;
  startedAt: number;
  timeoutAt: number | null;
  heartbeatSeconds: number | null;
  lastHeartbeatAt: number;
  /**
   * False from the task's start until its Lambda has returned. A task still false after a restart
   * was cut off mid-invoke (kill -9): its Lambda runs again with the same token, as Lambda retries
   * an invocation that died. (Absent on tasks saved before this flag: taken as invoked.)
   */
  invoked?: boolean;
  outcome?: { output: string } | { error: string; cause: string };
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  /** The definition as it was when the execution started, as on AWS. */
  definition: string;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  timeoutAt: number | null;
  /** The top-level state last entered, with its input: where a restarted execution resumes. */
  resumePoint: { stateName: string; input: Json; enteredAt: number; entry: number } | null;
  pendingTasks: Record<string, PendingTask>;
  eventCount: number;
  /** RedriveExecution: how often, and when last. */
  redriveCount?: number;
  redriveDate?: number;
}

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export class StepFunctionsStore {
  private readonly machinesFile: string;
  private readonly executionsDir: string;
  private readonly historyDir: string;

  constructor(dir: string) {
    this.machinesFile = join(dir, 'state-machines.json');
    this.executionsDir = join(dir, 'executions');
    this.historyDir = join(dir, 'history');
    mkdirSync(this.executionsDir, { recursive: true });
    mkdirSync(this.historyDir, { recursive: true });
  }

  loadStateMachines(): StateMachineRecord[] {
    return existsSync(this.machinesFile)
      ? (JSON.parse(readFileSync(this.machinesFile, 'utf8')) as StateMachineRecord[])
      : [];
  }

  saveStateMachines(machines: StateMachineRecord[]): void {
    atomicWrite(this.machinesFile, JSON.stringify(machines, null, 1));
  }

  loadExecutions(): ExecutionRecord[] {
    return readdirSync(this.executionsDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(this.executionsDir, f), 'utf8')) as ExecutionRecord);
  }

  saveExecution(execution: ExecutionRecord): void {
    atomicWrite(
      join(this.executionsDir, `${fileId(execution.executionArn)}.json`),
      JSON.stringify(execution),
    );
  }

  appendHistory(executionArn: string, event: HistoryEvent): void {
    appendFileSync(join(this.historyDir, `${fileId(executionArn)}.jsonl`), `${JSON.stringify(event)}\n`);
  }

  loadHistory(executionArn: string): HistoryEvent[] {
    const file = join(this.historyDir, `${fileId(executionArn)}.jsonl`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as HistoryEvent];
        } catch {
          return []; // a line cut short by a crash mid-write
        }
      });
  }
}

const fileId = (arn: string): string => createHash('sha256').update(arn).digest('hex').slice(0, 40);

function atomicWrite(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}
