// The DynamoDB API on the local stack: dynalite with its LevelDB under <dataDir>/dynamodb, in a
// worker thread of its own (dynamodb-worker.mjs), and the one table created from the same
// definition the CDK stack uses.
// dynalite has no TransactWriteItems: dynalite-transact.mjs answers it in front of dynalite (the
// consultation fan-out claims and marks its consultees in batches with it).
import { mkdirSync } from 'node:fs';
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
import type { RunningService } from './service.js';
import { startWorkerService } from './worker-service.js';

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

// level ships no types: these are the parts we call.
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

  const worker = await startWorkerService(SERVICE, new URL('./dynamodb-worker.mjs', import.meta.url), {
    path,
    host: options.host,
    port: options.port,
  });
  return {
    name: SERVICE,
    url: `http://${options.host}:${worker.port}`,
    // dynalite's close() stops HTTP, then waits for pending writes and closes the LevelDB.
    close: worker.close,
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
