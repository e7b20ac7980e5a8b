// The DynamoDB API on the local stack: dynalite with its LevelDB under <dataDir>/dynamodb, and the
// one table created from the same definition the CDK stack uses.
// dynalite has no TransactWriteItems: the table design needs none (conditional single-item writes only).
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../functions/shared/table.js';
import { boundPort, listen, type RunningService } from './service.js';

const SERVICE = 'DynamoDB';

/** The data directory's LevelDB is held by another process (another `dpia local` on the same data dir). */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(readonly path: string) {
    super(
      `${SERVICE}: ${path} is in use by another process; stop it or set DPIA_DATA_DIR to another directory`,
    );
  }
}

// dynalite and level ship no types: these are the parts we call.
type DynaliteFactory = (options: {
  path: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;
interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}
type LevelConstructor = new (path: string) => LevelDb;

const require = createRequire(import.meta.url);

export async function startDynamoDb(options: {
  host: string;
  port: number;
  dataDir: string;
}): Promise<RunningService> {
  const path = join(options.dataDir, 'dynamodb');
  mkdirSync(path, { recursive: true });
  await assertNotLocked(path);

  const dynalite = loadDynalite();
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    await listen(server, SERVICE, options.host, options.port);
  } catch (error) {
    await closeUnbound(server, options.host);
    throw error;
  }
  return {
    name: SERVICE,
    url: `http://${options.host}:${boundPort(server)}`,
    // dynalite's close() stops HTTP, then waits for pending writes and closes the LevelDB.
    close: () => closeServer(server),
  };
}

/** Creates the table from the shared definition unless it exists; returns once it is ACTIVE. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  let status: string | undefined;
  try {
    status = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      status = (await client.send(new CreateTableCommand(createTableInput(tableName)))).TableDescription
        ?.TableStatus;
    } catch (createError) {
      // Someone else created it between our Describe and Create: wait for theirs.
      if (!(createError instanceof ResourceInUseException)) throw createError;
    }
  }
  if (status === 'ACTIVE') return;
  // The waiter's 20 s default first delay suits AWS, not a local table that is ready in milliseconds.
  await waitUntilTableExists(
    { client, maxWaitTime: 120, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
}

function loadDynalite(): DynaliteFactory {
  const mod: unknown = require('dynalite');
  if (typeof mod !== 'function') throw new Error('dynalite: unexpected module shape (expected a function)');
  return mod as DynaliteFactory;
}

// A second dynalite on a locked LevelDB listens fine but dies on its first request with an uncaught
// error, so find out now. Opening and closing an idle LevelDB takes a few milliseconds.
async function assertNotLocked(path: string): Promise<void> {
  // Resolve level from dynalite's own dependencies so both use the same LevelDB binding.
  const level: unknown = createRequire(require.resolve('dynalite'))('level');
  const Level = (level as { Level: LevelConstructor }).Level;
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    if (isLocked(error)) throw new DataDirLockedError(path);
    throw error;
  }
  await db.close();
}

function isLocked(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === 'LEVEL_LOCKED';
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

// dynalite opens its LevelDB when created but closes it only from server.close(), which refuses to
// run on a server that never listened. Listen on a throwaway port so the lock is released.
async function closeUnbound(server: Server, host: string): Promise<void> {
  await listen(server, SERVICE, host, 0);
  await closeServer(server);
}
