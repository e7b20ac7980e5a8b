// The Step Functions API on the local stack: AWS JSON 1.0 over HTTP (`X-Amz-Target:
// AWSStepFunctions.<Operation>`), so the AWS SDK and the AWS CLI talk to it unchanged.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SecretNotFoundError } from '../secrets.js';
import { boundPort, listen, type RunningService } from '../service.js';
import { InvalidDefinitionError, isObject, type JsonObject } from './definition.js';
import { SfnError, type StepFunctionsEngine } from './engine.js';

export type Operation = (req: JsonObject) => unknown;

export async function startStepFunctions(options: {
  host: string;
  port: number;
  engine: StepFunctionsEngine;
  /** Other AWS JSON services on the same port, by X-Amz-Target prefix (e.g. `secretsmanager`). */
  extraServices?: Record<string, Record<string, Operation>>;
}): Promise<RunningService> {
  const { engine } = options;
  const operations = stepFunctionsOperations(engine);

  const services: Record<string, Record<string, Operation>> = {
    AWSStepFunctions: operations,
    ...(options.extraServices ?? {}),
  };
  const server = createServer((request, response) => {
    void handle(request, response, services);
  });
  await listen(server, 'Step Functions', options.host, options.port);
  const url = `http://${options.host}:${boundPort(server)}`;
  return {
    name: 'Step Functions',
    url,
    close: async () => {
      await engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The API actions the local Step Functions answers (AWS JSON 1.0, `AWSStepFunctions.<name>`). */
export function stepFunctionsOperations(engine: StepFunctionsEngine): Record<string, Operation> {
  return {
    CreateStateMachine: (r) => engine.createStateMachine(r),
    UpdateStateMachine: (r) => engine.updateStateMachine(r),
    DescribeStateMachine: (r) => engine.describeStateMachine(r),
    ListStateMachines: (r) => engine.listStateMachines(r),
    DeleteStateMachine: (r) => engine.deleteStateMachine(r),
    StartExecution: (r) => engine.startExecution(r),
    DescribeExecution: (r) => engine.describeExecution(r),
    ListExecutions: (r) => engine.listExecutions(r),
    StopExecution: (r) => engine.stopExecution(r),
    RedriveExecution: (r) => engine.redriveExecution(r),
    GetExecutionHistory: (r) => engine.getExecutionHistory(r),
    SendTaskSuccess: (r) => engine.sendTaskSuccess(r),
    SendTaskFailure: (r) => engine.sendTaskFailure(r),
    SendTaskHeartbeat: (r) => engine.sendTaskHeartbeat(r),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  services: Record<string, Record<string, Operation>>,
) {
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': crypto.randomUUID(),
    });
    response.end(text);
  };
  try {
    const target = String(request.headers['x-amz-target'] ?? '');
    const [service, name = ''] = target.split('.');
    const operation = service ? services[service]?.[name] : undefined;
    const body = await readBody(request);
    if (!operation) {
      send(400, { __type: 'UnknownOperationException', message: `Unknown operation '${target}'` });
      return;
    }
    let parsed: unknown;
    try {
      parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      send(400, { __type: 'SerializationException', message: 'The request body is not valid JSON' });
      return;
    }
    if (!isObject(parsed)) {
      send(400, { __type: 'SerializationException', message: 'The request body must be a JSON object' });
      return;
    }
    send(200, operation(parsed));
  } catch (error) {
    if (
      error instanceof SfnError ||
      error instanceof InvalidDefinitionError ||
      error instanceof SecretNotFoundError
    ) {
      send(400, { __type: error.name, message: error.message });
    } else {
      process.stderr.write(`stepfunctions: internal error: ${(error as Error).message}\n`);
      send(500, { __type: 'InternalFailure', message: 'Internal error in the local Step Functions service' });
    }
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
