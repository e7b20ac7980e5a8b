// The `dpia` command line (SPEC §9). Commands whose issue has not landed say so plainly.
// Each command's module is imported when it runs, so `dpia score` does not load the local stack.
import { Command } from 'commander';
import { describeFailure } from './failure.js';

/** Prints what a command returns (its module is imported only when it runs). */
const print = async (text: Promise<string>): Promise<void> => {
  process.stdout.write(`${await text}\n`);
};

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
  .action(async (file: string, options: { json?: boolean; policy?: string }) =>
    print((await import('./commands/score.js')).scoreCommand(file, options)),
  );

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

const API_HELP = 'API base URL (default: the local stack)';

program
  .command('propose')
  .description('open a proposal from a JSON file; prints its reference and id')
  .argument('<file>', 'proposal JSON file (SPEC §3)')
  .option('--deadline <when>', "the response deadline instead of the file's: 28d, 36h or an ISO date-time")
  .option('--api <url>', API_HELP)
  .action(async (file: string, options: { api?: string; deadline?: string }) =>
    print((await import('./commands/lifecycle.js')).proposeCommand(file, options)),
  );

program
  .command('status')
  .description("show a proposal's status, tally and timeline")
  .argument('<id>', 'proposal id or reference (DPIA-YYYY-NNNN)')
  .option('--json', 'the full detail as JSON')
  .option('--api <url>', API_HELP)
  .action(async (id: string, options: { api?: string; json?: boolean }) =>
    print((await import('./commands/lifecycle.js')).statusCommand(id, options)),
  );

program
  .command('triage')
  .description(
    'list the replies to triage; set a stance or accept a reply from another address, with a reason',
  )
  .argument('<id>', 'proposal id')
  .option('--reply <replyId>', 'the reply (its id, or the start of it as the list shows)')
  .option('--stance <stance>', 'support, concerns, object or unclassified')
  .option('--accept', 'accept a reply sent from another address: it then counts')
  .option('--reason <text>', 'why (recorded in the timeline)')
  .option('--api <url>', API_HELP)
  .action(
    async (
      id: string,
      options: { reply?: string; stance?: string; accept?: boolean; reason?: string; api?: string },
    ) => print((await import('./commands/triage.js')).triageCommand(id, options)),
  );

program
  .command('reply')
  .description('send a consultee reply e-mail over SMTP to the local stack')
  .argument('<id>', 'proposal id or reference (DPIA-YYYY-NNNN)')
  .argument('[text...]', 'the comment')
  .requiredOption('--from <email>', "the consultee's address")
  .requiredOption('--stance <stance>', 'support, concerns or object')
  .action(async (id: string, text: string[], options: { from: string; stance: string }) =>
    print((await import('./commands/reply.js')).replyCommand(id, text, options)),
  );

program
  .command('withdraw')
  .description('withdraw a proposal, saying why; consultees and the approver are told by mail')
  .argument('<id>', 'proposal id or reference (DPIA-YYYY-NNNN)')
  .requiredOption('--reason <text>', 'why it is withdrawn (10-500 characters, sent to the consultees)')
  .option('--api <url>', API_HELP)
  .action(async (id: string, options: { reason: string; api?: string }) =>
    print((await import('./commands/lifecycle.js')).withdrawCommand(id, options)),
  );

program
  .command('mail')
  .description('list the mail the local stack has sent, with review links and reply addresses (local only)')
  .option('--to <address>', 'only mail to this address (or part of it)')
  .option('--reference <reference>', 'only mail about this proposal (DPIA-YYYY-NNNN)')
  .option('--json', 'machine-readable output')
  .action(async (options: { to?: string; reference?: string; json?: boolean }) =>
    print((await import('./commands/mail.js')).mailCommand(options)),
  );

program
  .command('decisions')
  .description('list decisions')
  .option('--from <date>', 'decided on or after (ISO date)')
  .option('--to <date>', 'decided on or before (ISO date)')
  .option('--outcome <outcome>', 'approved or rejected')
  .option('--format <format>', 'table, json or csv', 'table')
  .option('--api <url>', API_HELP)
  .action(async (options: { from?: string; to?: string; outcome?: string; format?: string; api?: string }) =>
    print((await import('./commands/lifecycle.js')).decisionsCommand(options)),
  );

program
  .command('register')
  .description('print the public camera register (SPEC 11): every approved installation')
  .option('--format <format>', 'table, csv or json', 'table')
  .option('--area <area>', 'only this public area')
  .option('--type <type>', 'only this camera type (ANPR, CCTV, BWV, DRONE, SPEED, OTHER)')
  .option('--api <url>', API_HELP)
  .action(async (options: { format?: string; area?: string; type?: string; api?: string }) =>
    print((await import('./commands/register.js')).registerCommand(options)),
  );

program
  .command('audit')
  .description('audit commands')
  .command('verify')
  .description('re-check the decision chain; exit 1 with the first broken record')
  .option('--api <url>', API_HELP)
  .action(async (options: { api?: string }) =>
    print((await import('./commands/lifecycle.js')).auditVerifyCommand(options)),
  );

program
  .command('demo')
  .description('a full scripted lifecycle on a fresh temporary stack, printing each step')
  .option('--out <dir>', 'where to write the DPIA document (default: dpia-demo/ in the temp directory)')
  .action(async (options: { out?: string }) => {
    const { demoCommand } = await import('./commands/demo.js');
    await demoCommand(undefined, options);
  });

program
  .command('redrive')
  .description('resume a failed proposal at the step that failed (Step Functions RedriveExecution)')
  .argument('<id>', 'proposal id')
  .option('--api <url>', API_HELP)
  .action(async (id: string, options: { api?: string }) =>
    print((await import('./commands/lifecycle.js')).redriveCommand(id, options)),
  );

program
  .command('evidence')
  .description("print a proposal's evidence pack as JSON (dpia evidence ID > pack.json)")
  .argument('<id>', 'proposal id or reference (DPIA-YYYY-NNNN)')
  .option('--api <url>', API_HELP)
  .action(async (id: string, options: { api?: string }) =>
    print((await import('./commands/lifecycle.js')).evidenceCommand(id, options)),
  );

program
  .command('document')
  .description("write a proposal's DPIA document (SPEC 11) to a file and print where")
  .argument('<id>', 'proposal id or reference (DPIA-YYYY-NNNN)')
  .option('--pdf', 'the PDF instead of the HTML page')
  .option('--public', 'the public edition: no site, personal names or e-mail addresses')
  .option('--out <file>', 'where to write it (default: the reference, e.g. DPIA-2026-0001.pdf)')
  .option('--api <url>', API_HELP)
  .action(async (id: string, options: { pdf?: boolean; public?: boolean; out?: string; api?: string }) =>
    print((await import('./commands/document.js')).documentCommand(id, options)),
  );

const reviews = program.command('reviews').description('the review cycle of approved installations');
reviews
  .command('start')
  .description('open the review of an approved installation: a new proposal, pre-filled and linked')
  .argument('<id>', 'proposal id or reference of the approved installation')
  .option('--deadline <iso>', 'the response deadline of the new consultation (default: 28 days on)')
  .option('--api <url>', API_HELP)
  .action(async (id: string, options: { deadline?: string; api?: string }) =>
    print((await import('./commands/reviews.js')).reviewStartCommand(id, options)),
  );
reviews
  .command('digest')
  .description(
    "mail managers this month's reviews overdue or due in 60 days (the scheduled handler; once a month each)",
  )
  .option('--to <addresses>', 'comma-separated manager addresses (default: DPIA_REVIEW_DIGEST_TO)')
  .action(async (options: { to?: string }) =>
    print((await import('./commands/reviews.js')).reviewDigestCommand(options)),
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const failure = describeFailure(error);
  for (const line of failure.lines) process.stderr.write(`${line}\n`);
  process.exitCode = failure.exitCode;
}

// SDK keep-alive sockets and timers of the in-process stack must not hold the command open: once
// the command is done, flush stdout and leave with its exit code.
process.stdout.write('', () => process.exit(process.exitCode ?? 0));
