// The operating system's id of the calling thread (Linux: /proc/thread-self), or null elsewhere:
// a service thread reports it when listening so a benchmark can tell each thread's CPU time apart.
import { readlinkSync } from 'node:fs';

export function osThreadId() {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop()) || null;
  } catch {
    return null;
  }
}
