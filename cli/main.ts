// The `dpia` command line (SPEC §9). Commands whose issue has not landed say so plainly.
// Each command's module is imported when it runs, so `dpia score` does not load the local stack.
import { Command, CommanderError } from 'commander';
import { CliError, EXIT_FAILURE } from './errors.js';

const program = new Command()
  .name('dpia')
  .description('camera-dpia: the DPIA workflow for surveillance-camera proposals')
  .showHelpAfterError('(run dpia --help for usage)')
  .exitOverride();

program
  .command('score')
  .description('validate a proposal file and print its pressing-need score (offline)')
  .argument('<file>', 'proposal JSON file (SPEC §3)')
  .option('--json', 'machine-readable output')
  .option('--policy <file>', 'score under another scoring-policy file')
  .action(async (file: string, options: { json?: boolean; policy?: string }) => {
    const { scoreCommand } = await import('./commands/score.js');
    process.stdout.write(`${await scoreCommand(file, options)}\n`);
  });

program
  .command('local')
  .description('run the embedded local AWS stack (same as npm start)')
  .action(async () => {
    const { localCommand } = await import('./commands/local.js');
    await localCommand();
  });

program
  .command('token')
  .description('print an API token for the local stack (HS256, signed with the key in the data directory)')
  .requiredOption('--role <role>', 'manager or auditor')
  .requiredOption('--user <user>', 'user name, e.g. alice')
  .option('--ttl <ttl>', 'lifetime: 12h, 30m, 7d or seconds', '12h')
  .action(async (options: { role: string; user: string; ttl: string }) => {
    const { tokenCommand } = await import('./commands/token.js');
    const { resolveLocalConfig } = await import('../local/config.js');
    const dataDir = resolveLocalConfig().dataDir;
    process.stdout.write(`${await tokenCommand({ ...options, dataDir })}\n`);
  });

const notYet: [name: string, description: string][] = [
  ['demo', 'run a scripted lifecycle on a fresh temporary stack'],
  ['propose', 'open a proposal from a JSON file'],
  ['status', "show a proposal's status, tally and timeline"],
  ['reply', 'send a consultee reply e-mail over SMTP (local only)'],
  ['decisions', 'list decisions'],
  ['audit', 're-check the decision chain (audit verify)'],
  ['evidence', "print a proposal's evidence pack"],
];
for (const [name, description] of notYet) {
  program
    .command(name)
    .description(`${description} (not available yet)`)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new CliError([`dpia ${name}: not available yet in this version of camera-dpia.`], EXIT_FAILURE);
    });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliError) {
    for (const line of error.lines) process.stderr.write(`${line}\n`);
    process.exitCode = error.exitCode;
  } else if (error instanceof CommanderError) {
    // commander has already printed its message (or the help/version text).
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`dpia: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}
