// What the local Step Functions keeps on disk of an execution, and reads back after a restart
// (kill -9 included): each save a line of its journal, the last complete line wins.
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ExecutionRecord, StepFunctionsStore } from '../../local/stepfunctions/store.js';
import { tempDir } from '../support/temp-dir.js';

const DEFINITION = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });

function record(name: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    executionArn: `arn:aws:states:eu-west-2:000000000000:execution:m:${name}`,
    stateMachineArn: 'arn:aws:states:eu-west-2:000000000000:stateMachine:m',
    name,
    status: 'RUNNING',
    input: '{"proposalId":"p1"}',
    definition: DEFINITION,
    startDate: 1,
    timeoutAt: null,
    resumePoint: null,
    pendingTasks: {},
    eventCount: 1,
    ...overrides,
  };
}

const journals = (dir: string) => readdirSync(join(dir, 'executions')).map((f) => join(dir, 'executions', f));
const lineCount = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

describe('the local Step Functions store', () => {
  it('reads back the last save of each execution, with its definition, after a restart', () => {
    const dir = tempDir('sfn-store');
    const store = new StepFunctionsStore(dir);
    store.saveExecution(record('one'));
    const resumed = { stateName: 'A', input: { step: 2 }, enteredAt: 5, entry: 1 };
    store.saveExecution(record('one', { resumePoint: resumed, eventCount: 3 }));
    store.saveExecution(record('two'));
    // No close(): as after kill -9.
    const loaded = new StepFunctionsStore(dir).loadExecutions();
    expect(loaded.find((r) => r.name === 'one')).toEqual(
      record('one', { resumePoint: resumed, eventCount: 3 }),
    );
    expect(loaded.find((r) => r.name === 'two')).toEqual(record('two'));
    // The definition is kept once, not in every record.
    expect(readdirSync(join(dir, 'definitions'))).toHaveLength(1);
    for (const file of journals(dir)) expect(readFileSync(file, 'utf8')).not.toContain('"StartAt"');
  });

  it('passes over a last line that a crash cut short, resuming from the save before it', () => {
    const dir = tempDir('sfn-store');
    const store = new StepFunctionsStore(dir);
    store.saveExecution(record('cut', { eventCount: 4 }));
    store.close();
    const [journal] = journals(dir);
    appendFileSync(journal as string, '{"executionArn":"arn:aws:states:eu-west-2:0000');
    const restarted = new StepFunctionsStore(dir);
    const [loaded] = restarted.loadExecutions();
    expect(loaded).toMatchObject({ name: 'cut', eventCount: 4, status: 'RUNNING' });
    // The torn line is cut off the file, so the next save does not run on from it.
    restarted.saveExecution(record('cut', { eventCount: 5 }));
    restarted.close();
    const [again] = new StepFunctionsStore(dir).loadExecutions();
    expect(again).toMatchObject({ name: 'cut', eventCount: 5 });
  });

  it('keeps a journal short: one line once the execution ends, and compacted while it runs long', () => {
    const dir = tempDir('sfn-store');
    const store = new StepFunctionsStore(dir);
    for (let i = 1; i <= 200; i++) store.saveExecution(record('long', { eventCount: i }));
    const [journal] = journals(dir);
    expect(lineCount(journal as string)).toBeLessThanOrEqual(64);
    store.saveExecution(record('long', { eventCount: 201, status: 'SUCCEEDED', stopDate: 9 }));
    expect(lineCount(journal as string)).toBe(1);
    const [loaded] = new StepFunctionsStore(dir).loadExecutions();
    expect(loaded).toMatchObject({ status: 'SUCCEEDED', eventCount: 201 });
  });

  it('reads an execution saved before the journals (one JSON file with its definition)', () => {
    const dir = tempDir('sfn-store');
    new StepFunctionsStore(dir).close(); // the folders
    const old = record('old', { eventCount: 7 });
    writeFileSync(join(dir, 'executions', 'abc.json'), JSON.stringify(old));
    expect(new StepFunctionsStore(dir).loadExecutions()).toEqual([old]);
    // Converted: the next start reads the same from its journal.
    expect(readdirSync(join(dir, 'executions'))).toEqual(['abc.jsonl']);
    expect(new StepFunctionsStore(dir).loadExecutions()).toEqual([old]);
  });
});
