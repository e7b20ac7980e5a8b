// CPU time per thread of this process, from Linux's /proc/self/task (empty elsewhere): the main
// thread, each service thread (by the id it reported, local/worker-service.ts), libuv's thread pool
// (file system, DNS, crypto, LevelDB's work) and the rest (V8's garbage-collection and compiler
// helpers). Two snapshots around a measured window say where that window's CPU went.
import { readdirSync, readFileSync } from 'node:fs';
import { serviceThreadIds } from '../../local/worker-service.js';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export type ThreadCpu = Map<string, number>;

/** Milliseconds of CPU (user and system) so far, by thread group: main, a service's name, pool, other. */
export function threadCpu(): ThreadCpu {
  const groups: ThreadCpu = new Map();
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return groups;
  }
  const services = new Map([...serviceThreadIds].map(([service, tid]) => [String(tid), service]));
  for (const tid of tasks) {
    let stat: string;
    let name: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue; // the thread ended meanwhile
    }
    // Fields after the parenthesised name: state is the 3rd field, utime the 14th, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    const group =
      tid === String(process.pid)
        ? 'main'
        : (services.get(tid) ?? (name === 'libuv-worker' ? 'thread pool' : 'other (V8 GC, compiler)'));
    groups.set(group, (groups.get(group) ?? 0) + ms);
  }
  return groups;
}

/** Each group's CPU between two snapshots, divided by `per` (e.g. milliseconds per reply). */
export function threadCpuSince(before: ThreadCpu, per = 1): Record<string, number> {
  const after = threadCpu();
  const out: Record<string, number> = {};
  for (const [group, ms] of after) out[group] = Math.round(((ms - (before.get(group) ?? 0)) / per) * 10) / 10;
  return out;
}
