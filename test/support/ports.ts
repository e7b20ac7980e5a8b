// A free TCP port for a stack that must keep its ports across a restart (the kill -9 tests). Chosen
// below the kernel's ephemeral range (32768-60999 on Linux), where every `listen(0)` of the other
// test files draws from: a port asked for by number is then never taken meanwhile by one of theirs.
import { createServer } from 'node:net';
import { PORT_ENV, SERVICES, type ServiceName } from '../../local/config.js';

const LOW = 20_000;
const HIGH = 32_000;
/** Handed out already in this process: free until the stack binds them, so never twice. */
const given = new Set<number>();

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (!given.has(port) && (await isFree(port))) {
      given.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${LOW} and ${HIGH}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port for every service of the local stack, for a stack restarted on the same ports. */
export async function freeStackPorts(): Promise<Record<ServiceName, number>> {
  const ports = {} as Record<ServiceName, number>;
  for (const service of SERVICES) ports[service] = await freePort();
  return ports;
}

/** The environment (DPIA_API_PORT and the rest) that puts a stack process on these ports. */
export const portVariables = (ports: Record<ServiceName, number>): Record<string, string> =>
  Object.fromEntries(SERVICES.map((service) => [PORT_ENV[service], String(ports[service])]));
