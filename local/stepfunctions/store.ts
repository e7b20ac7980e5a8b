// Persists state machines, executions and their histories under the data directory, so that
// executions survive a restart (including kill -9). An execution's record is a JSON-lines journal:
// every save appends the whole record as one line (one write(2) on a file kept open, rather than
// a temporary file and a rename per save), and a restart reads the last complete line. A journal
// is compacted to its last record, by write-then-rename, when the execution ends and whenever it
// has grown past COMPACT_AFTER lines. The definition, the same for every execution of a machine
// version and most of a record's size, is kept once per version in definitions/<hash>.json and
// named by its hash in the journal. History is an append-only JSON-lines file.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { mendedJsonLines, replaceFile } from '../journal-file.mjs';
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
  private readonly definitionsDir: string;
  private readonly historyDir: string;
  private readonly files = new AppendFiles(OPEN_FILES);
  /** Each definition's hash, once written to definitions/ (keyed by the text itself). */
  private readonly definitions = new Map<string, string>();
  /** Definitions read back by their hash. */
  private readonly definitionTexts = new Map<string, string>();
  /** Lines in each execution's journal since it was last compacted, by file. */
  private readonly journalLines = new Map<string, number>();

  constructor(dir: string) {
    this.machinesFile = join(dir, 'state-machines.json');
    this.executionsDir = join(dir, 'executions');
    this.definitionsDir = join(dir, 'definitions');
    this.historyDir = join(dir, 'history');
    mkdirSync(this.executionsDir, { recursive: true });
    mkdirSync(this.definitionsDir, { recursive: true });
    mkdirSync(this.historyDir, { recursive: true });
  }

  loadStateMachines(): StateMachineRecord[] {
    return existsSync(this.machinesFile)
      ? (JSON.parse(readFileSync(this.machinesFile, 'utf8')) as StateMachineRecord[])
      : [];
  }

  saveStateMachines(machines: StateMachineRecord[]): void {
    replaceFile(this.machinesFile, JSON.stringify(machines, null, 1));
  }

  /** Every execution's last saved record (a journal of more than one line is compacted). */
  loadExecutions(): ExecutionRecord[] {
    const records: ExecutionRecord[] = [];
    for (const f of readdirSync(this.executionsDir)) {
      const file = join(this.executionsDir, f);
      if (f.endsWith('.jsonl')) {
        const lines = mendedJsonLines(file) as StoredExecution[];
        const stored = lines.at(-1);
        if (!stored) continue;
        if (lines.length > 1) replaceFile(file, `${JSON.stringify(stored)}\n`);
        records.push(this.restored(stored));
      } else if (f.endsWith('.json')) {
        // A record from before the journals (the whole record, definition included): converted,
        // unless a crash came between its journal's write and this file's removal.
        if (!existsSync(`${file}l`)) {
          const record = JSON.parse(readFileSync(file, 'utf8')) as ExecutionRecord;
          replaceFile(`${file}l`, `${JSON.stringify(this.stored(record))}\n`);
          records.push(record);
        }
        unlinkSync(file);
      }
    }
    return records;
  }

  saveExecution(execution: ExecutionRecord): void {
    const file = join(this.executionsDir, `${fileId(execution.executionArn)}.jsonl`);
    const line = `${JSON.stringify(this.stored(execution))}\n`;
    const lines = (this.journalLines.get(file) ?? 0) + 1;
    if (execution.status === 'RUNNING' && lines < COMPACT_AFTER) {
      this.files.append(file, line);
      this.journalLines.set(file, lines);
      return;
    }
    // Ended (nothing more will be appended) or grown long: the journal becomes its last record.
    this.files.close(file);
    replaceFile(file, line);
    if (execution.status === 'RUNNING') this.journalLines.set(file, 1);
    else this.journalLines.delete(file);
  }

  appendHistory(executionArn: string, event: HistoryEvent): void {
    this.files.append(join(this.historyDir, `${fileId(executionArn)}.jsonl`), `${JSON.stringify(event)}\n`);
  }

  /** The execution has ended: its history file need not stay open. */
  closeHistory(executionArn: string): void {
    this.files.close(join(this.historyDir, `${fileId(executionArn)}.jsonl`));
  }

  loadHistory(executionArn: string): HistoryEvent[] {
    const file = join(this.historyDir, `${fileId(executionArn)}.jsonl`);
    return mendedJsonLines(file) as HistoryEvent[];
  }

  /** Closes every file kept open (the engine is stopping). */
  close(): void {
    this.files.closeAll();
  }

  /** The record as the journal keeps it: the definition named by its hash. */
  private stored(execution: ExecutionRecord): StoredExecution {
    const { definition, ...rest } = execution;
    return { ...rest, definitionHash: this.definitionHash(definition) };
  }

  private definitionHash(definition: string): string {
    let hash = this.definitions.get(definition);
    if (hash === undefined) {
      hash = createHash('sha256').update(definition).digest('hex').slice(0, 40);
      const file = join(this.definitionsDir, `${hash}.json`);
      if (!existsSync(file)) replaceFile(file, definition);
      this.definitions.set(definition, hash);
    }
    return hash;
  }

  /** The record with its definition, read once per definition. */
  private restored(stored: StoredExecution): ExecutionRecord {
    const { definitionHash, ...rest } = stored;
    let definition = this.definitionTexts.get(definitionHash);
    if (definition === undefined) {
      definition = readFileSync(join(this.definitionsDir, `${definitionHash}.json`), 'utf8');
      this.definitionTexts.set(definitionHash, definition);
      this.definitions.set(definition, definitionHash);
    }
    return { ...rest, definition };
  }
}

/** A record as its journal line holds it. */
type StoredExecution = Omit<ExecutionRecord, 'definition'> & { definitionHash: string };

/** Saves to one journal before it is rewritten as its last record. */
const COMPACT_AFTER = 64;
/** Journals and histories kept open at once (the least recently written is closed first). */
const OPEN_FILES = 128;

/**
 * Files appended to with one write(2) each, kept open (up to `limit`, the least recently used
 * closed first) so an append is not an open, a write and a close.
 */
class AppendFiles {
  private readonly open = new Map<string, number>();

  constructor(private readonly limit: number) {}

  append(file: string, text: string): void {
    let fd = this.open.get(file);
    if (fd === undefined) {
      fd = openSync(file, 'a');
      if (this.open.size >= this.limit) {
        const [oldest, oldestFd] = this.open.entries().next().value as [string, number];
        this.open.delete(oldest);
        closeSync(oldestFd);
      }
    } else {
      this.open.delete(file); // re-inserted below: the most recently used is last
    }
    this.open.set(file, fd);
    writeSync(fd, text);
  }

  close(file: string): void {
    const fd = this.open.get(file);
    if (fd === undefined) return;
    this.open.delete(file);
    closeSync(fd);
  }

  closeAll(): void {
    for (const fd of this.open.values()) closeSync(fd);
    this.open.clear();
  }
}

const fileId = (arn: string): string => createHash('sha256').update(arn).digest('hex').slice(0, 40);
