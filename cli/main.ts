// The `dpia` command line (SPEC §9). Commands whose issue has not landed say so plainly.
import { Command, CommanderError } from 'commander';
import { scoreCommand } from './commands/score.js';
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
    process.stdout.write(`${await scoreCommand(file, options)}\n`);
  });

const notYet: [name: string, description: string][] = [
  ['local', 'run the embedded local AWS stack'],
  ['demo', 'run a scripted lifecycle on a fresh temporary stack'],
  ['propose', 'open a proposal from a JSON file'],
  ['status', "show a proposal's status, tally and timeline"],
  ['reply', 'send a consultee reply e-mail over SMTP (local only)'],
  ['decisions', 'list decisions'],
  ['audit', 're-check the decision chain (audit verify)'],
  ['token', 'print a local API token'],
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
