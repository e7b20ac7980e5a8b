// `npm start` as a user runs it, in a child process the kill -9 tests can kill and start again on
// the same data directory and ports.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { resolveLocalConfig, type ServiceName, serviceUrl } from '../../local/config.js';
import { localAt } from './local-sdk-client.js';
import { freeStackPorts, portVariables } from './ports.js';

const root = new URL('../..', import.meta.url).pathname;

/** Starts `dpia local` with these variables; resolves once it prints its ready line. */
export function startStackProcess(env: Record<string, string>): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['bin/dpia.js', 'local'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never outlives the test file, even one that timed out while the stack was starting.
  const orphan = () => proc.kill('SIGKILL');
  process.once('exit', orphan);
  proc.once('exit', () => process.removeListener('exit', orphan));
  return new Promise((resolve, reject) => {
    let output = '';
    // Killed when it never gets ready: a stack left running (its caller gave up) would hold a core.
    // 45 s: on a 2-core machine under a full test suite and other builds a start has passed 20 s.
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`no ready line:\n${output}`));
    }, 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^Ready in \d+ ms/m.test(output)) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`stack exited with ${code}:\n${output}`)));
  });
}

/** SIGKILL, as a crash: no shutdown code runs. At once for a process that has already exited. */
export function killHard(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.on('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/**
 * A test file's own `npm start`: free ports, a new data directory and these variables; `config` is
 * the stack as its clients see it. `start` starts it; `crash` kills it with SIGKILL and starts it
 * again on the same directory and ports. After the file's tests it is killed and its directory
 * removed.
 */
export async function killableStack(name: string, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), `dpia-${name}-`));
  const config = resolveLocalConfig({}, { dataDir, ports: await freeStackPorts() });
  let child: ChildProcess | undefined;
  const start = async () => {
    child = await startStackProcess({ ...portVariables(config.ports), DPIA_DATA_DIR: dataDir, ...env });
  };
  afterAll(async () => {
    if (child) await killHard(child);
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    config,
    start,
    async crash() {
      if (child) await killHard(child);
      await start();
    },
    /** An SDK client's settings for one of its services: two attempts, as a call may meet a restart. */
    sdk: (service: ServiceName) => ({
      ...localAt(serviceUrl(config, service), config.region),
      maxAttempts: 2,
    }),
  };
}
