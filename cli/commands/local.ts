// `dpia local` (= `npm start`): runs the embedded local stack until Ctrl-C.
import { LocalConfigError, PORT_ENV, resolveLocalConfig, type ServiceName } from '../../local/config.js';
import { DataDirLockedError } from '../../local/dynamodb.js';
import { startLocalStack } from '../../local/runner.js';
import { PortInUseError } from '../../local/service.js';
import { CliError, EXIT_FAILURE } from '../errors.js';

const SERVICE_OF: Record<string, ServiceName> = {
  'HTTP API': 'api',
  DynamoDB: 'dynamodb',
  SES: 'ses',
  'Step Functions': 'sfn',
  SMTP: 'smtp',
  S3: 's3',
};

export async function localCommand(): Promise<void> {
  let config: ReturnType<typeof resolveLocalConfig>;
  try {
    config = resolveLocalConfig();
  } catch (error) {
    if (error instanceof LocalConfigError) throw new CliError([error.message], EXIT_FAILURE);
    throw error;
  }
  const startedAt = performance.now();
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    stack = await startLocalStack({ config });
  } catch (error) {
    if (error instanceof PortInUseError) {
      const service = SERVICE_OF[error.service];
      const hint = service ? `; set ${PORT_ENV[service]} to use another port` : '';
      throw new CliError([`Port ${error.port} (${error.service}) is already in use${hint}.`], EXIT_FAILURE);
    }
    if (error instanceof DataDirLockedError) throw new CliError([error.message], EXIT_FAILURE);
    throw error;
  }
  const { urls } = stack;
  const lines = [
    'camera-dpia local stack',
    `  HTTP API and web pages   ${urls.api}`,
    `  DynamoDB                 ${urls.dynamodb}`,
    `  SES (sent mail: /store)  ${urls.ses}`,
    `  Step Functions           ${urls.sfn}`,
    `  Inbound SMTP             ${urls.smtp}  (replies to @${stack.config.inboundDomain})`,
    `  S3                       ${urls.s3}`,
    `  Data                     ${stack.config.dataDir}`,
    `Ready in ${Math.round(performance.now() - startedAt)} ms: camera-dpia local stack is up at ${urls.api} (Ctrl-C to stop)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n${signal}: stopping the local stack...\n`);
      stack.close().then(() => {
        process.stdout.write('Stopped.\n');
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
