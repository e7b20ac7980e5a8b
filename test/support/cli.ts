// The `dpia` command as a user runs it against a test's stack: bin/dpia.js in a child process,
// told the stack's data directory and ports through the environment (SPEC §8), with what it
// printed and its exit code.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type LocalConfig, PORT_ENV, SERVICES, type ServiceName } from '../../local/config.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = resolve(ROOT, 'bin', 'dpia.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** DPIA_DATA_DIR and every DPIA_<SERVICE>_PORT of the stack; `ports` points some elsewhere. */
export function stackEnvironment(
  config: LocalConfig,
  ports: Partial<Record<ServiceName, number>> = {},
): Record<string, string> {
  return {
    DPIA_DATA_DIR: config.dataDir,
    ...Object.fromEntries(SERVICES.map((s) => [PORT_ENV[s], String(ports[s] ?? config.ports[s])])),
  };
}

/** What a child process printed, once it has closed. */
export function collect(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** `dpia ...args` against the stack of `config`, from the repository root unless `cwd` says. */
export function runDpia(
  config: LocalConfig,
  args: string[],
  options: { cwd?: string; ports?: Partial<Record<ServiceName, number>> } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...stackEnvironment(config, options.ports) },
  });
  return collect(child);
}

/** `dpia reply`'s arguments: the proposal `id` answered from `from` with `stance` and the comment. */
export const replyArgs = (id: string, from: string, stance: string, ...comment: string[]): string[] => [
  'reply',
  id,
  '--from',
  from,
  '--stance',
  stance,
  ...comment,
];
