// What every emulated service module returns: where it listens and how to stop it cleanly.
export interface RunningService {
  name: string;
  url: string;
  /** Flushes what it holds to the data directory and stops listening. */
  close(): Promise<void>;
}

/** A port already taken: the runner turns this into one line naming the port and its variable. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly service: string,
    readonly port: number,
  ) {
    super(`${service}: port ${port} is already in use`);
  }
}

/** Listens on host:port, turning EADDRINUSE into a PortInUseError. */
export function listen(
  server: {
    listen(port: number, host: string, cb: () => void): unknown;
    once(event: 'error', cb: (e: Error) => void): unknown;
    off(event: 'error', cb: (e: Error) => void): unknown;
  },
  service: string,
  host: string,
  port: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      reject(
        (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new PortInUseError(service, port) : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The port a server actually got (tests ask for port 0). */
export function boundPort(server: { address(): unknown }): number {
  const address = server.address();
  if (address && typeof address === 'object' && 'port' in address) return Number(address.port);
  throw new Error('server is not listening');
}
