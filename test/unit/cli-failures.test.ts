import { afterEach, describe, expect, it, vi } from 'vitest';
import { reach } from '../../cli/api.js';
import { replyCommand } from '../../cli/commands/reply.js';
import { ApiUnreachableError, CliError } from '../../cli/errors.js';
import { describeFailure } from '../../cli/failure.js';
import { LocalStackClient } from '../../local/client.js';
import { LocalConfigError, resolveLocalConfig } from '../../local/config.js';
import { isConnectionFailure, StackUnreachableError } from '../../local/errors.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/temp-dir.js';

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );

afterEach(() => vi.unstubAllEnvs());

describe('when nothing answers at the local stack', () => {
  it('dpia reply names the API endpoint and asks whether npm start is running', async () => {
    const port = await freePort();
    vi.stubEnv('DPIA_API_PORT', String(port));
    vi.stubEnv('DPIA_TOKEN', 'any');
    const error = await failureOf(
      replyCommand('DPIA-2026-0001', ['Fine.'], { from: 'a@parish.example', stance: 'support' }),
    );
    expect(error).toBeInstanceOf(StackUnreachableError);
    expect(describeFailure(error)).toEqual({
      lines: [
        `Cannot reach the camera-dpia API at http://127.0.0.1:${port}: is the local stack running (npm start)?`,
      ],
      exitCode: 1,
    });
  });

  it('names the SES store and the SMTP server the same way', async () => {
    const port = await freePort();
    const config = resolveLocalConfig({}, { dataDir: tempDir('cli'), ports: { ses: port, smtp: port } });
    const client = new LocalStackClient(config);

    const store = await failureOf(client.sentMail());
    expect(describeFailure(store).lines).toEqual([
      `Cannot reach the SES store at http://127.0.0.1:${port}/store: is the local stack running (npm start)?`,
    ]);
    const smtp = await failureOf(
      client.sendMail({
        from: 'a@parish.example',
        to: 'consult+x@dpia.example',
        subject: 'Re',
        text: 'Fine.',
      }),
    );
    expect(describeFailure(smtp).lines).toEqual([
      `Cannot reach the SMTP server at 127.0.0.1:${port}: is the local stack running (npm start)?`,
    ]);
  });
});

describe('when nothing answers at an API named with --api', () => {
  it('names that address and does not send the user to npm start', async () => {
    const api = `http://127.0.0.1:${await freePort()}`;
    const error = await failureOf(reach({ api }, '/register.json'));
    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect(describeFailure(error)).toEqual({
      lines: [`Cannot reach the camera-dpia API at ${api}: check the --api address.`],
      exitCode: 1,
    });
  });
});

describe('any other failure', () => {
  it('is not taken for a stack that is down', async () => {
    const error = await failureOf(reach({ api: 'not a url' }, '/proposals'));
    expect(isConnectionFailure(error)).toBe(false);
    expect(error).not.toBeInstanceOf(StackUnreachableError);
    expect(describeFailure(error).lines[0]).toMatch(/^dpia: unexpected error: /);
  });

  it('prints a bad setting as it is (exit 2) and a usage mistake line by line', () => {
    expect(describeFailure(new LocalConfigError('DPIA_API_PORT must be a port number'))).toEqual({
      lines: ['DPIA_API_PORT must be a port number'],
      exitCode: 2,
    });
    expect(describeFailure(new CliError(['--stance must be one of: support, concerns, object']))).toEqual({
      lines: ['--stance must be one of: support, concerns, object'],
      exitCode: 2,
    });
  });
});
