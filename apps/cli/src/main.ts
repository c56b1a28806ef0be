import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '@social-pulse/config';
import { LOG_FORMATS, PulseError, describeError, maskSecrets, VERSION } from '@social-pulse/runtime';

// A reader that goes away (`pulse run | head`) must not crash a run half-way: its work goes
// on, and what it prints goes nowhere.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

const program = new Command('pulse')
  .description('social-pulse: follow a topic across X, Bluesky, Mastodon, Reddit, Hacker News and Stack Exchange')
  .version(VERSION)
  .option('-c, --config <file>', 'configuration file', 'pulse.config.yaml')
  .option('--debug', 'show stack traces on errors (also PULSE_DEBUG=1)')
  .addOption(
    new Option('--log-format <format>', 'log lines on stderr: text (default), json (for a log shipper) or pretty (default on a terminal); also PULSE_LOG_FORMAT')
      .choices(LOG_FORMATS),
  )
  .showHelpAfterError()
  .exitOverride()
  // Each step runs in its own process: the environment carries these settings to it.
  .hook('preAction', () => {
    const o = program.opts<{ debug?: boolean; logFormat?: string }>();
    if (o.debug) process.env.PULSE_DEBUG = '1';
    if (o.logFormat) process.env.PULSE_LOG_FORMAT = o.logFormat;
    // The variable says the same as the option: a value that is none of them is bad usage too.
    const fromEnv = process.env.PULSE_LOG_FORMAT?.trim().toLowerCase();
    if (fromEnv && !(LOG_FORMATS as readonly string[]).includes(fromEnv)) {
      program.error(`error: PULSE_LOG_FORMAT '${process.env.PULSE_LOG_FORMAT}' is invalid. Allowed choices are ${LOG_FORMATS.join(', ')}.`, { exitCode: 2, code: 'pulse.invalidLogFormat' });
    }
  });

// Commands are loaded when used, so `pulse --help` stays fast.
program
  .command('run')
  .description('run the whole pipeline: scrape → lake-write → enrich → load')
  .option('--every <duration>', 'keep running on a schedule in the foreground (e.g. 30m, 1h; at most 24d)')
  .option('--dashboard', 'serve the dashboard when the run is done')
  .option('--skip <steps>', 'comma-separated steps to leave out (scrape, lake-write, enrich, load)')
  .action(async (o) => (await import('./commands/run.ts')).runCommand(program.opts(), o));

for (const [name, step, description] of [
  ['scrape', 'scrape', 'fetch new posts from every configured source into the raw zone'],
  ['write', 'lake-write', 'normalize new raw pages and merge them into posts/ (Parquet)'],
  ['enrich', 'enrich', 'label new posts with topics, entities and sentiment into nlp/ (Parquet)'],
  ['load', 'load', 'load new lake files into the warehouse'],
] as const) {
  const command = program.command(name).description(description);
  if (step === 'enrich') {
    command.option(
      '--shard <I/N|auto>',
      'label only shard I of N (from 1), split by text; run all N, anywhere and in any order, for the labels of one run. auto: from BATCH_TASK_INDEX/BATCH_TASK_COUNT (Cloud Batch)',
    );
  }
  if (step === 'enrich') {
    command
      .option('--batch <job.json>', 'submit the Cloud Batch job of shards in job.json (`pulumi stack output enrichJob`) and follow it to the end')
      .option('--project <id>', 'with --batch: the GCP project (default GOOGLE_CLOUD_PROJECT)')
      .option('--region <region>', 'with --batch: the Batch region (default us-central1)');
  }
  command.action(async (o: { shard?: string; batch?: string; project?: string; region?: string }) =>
    o.batch !== undefined
      ? (await import('./commands/batch-enrich.ts')).batchEnrichCommand({ ...o, batch: o.batch })
      : (await import('./commands/run.ts')).stepCommand(program.opts(), step, o),
  );
}

const models = program
  .command('models')
  .description('the NLP models: list what is present, pull the missing ones, verify that each loads and runs');
models
  .command('list')
  .description('the configured models, where they are looked for, and whether each is present')
  .option('--json', 'print JSON')
  .action(async (o) => (await import('./commands/models.ts')).modelsListCommand(program.opts(), o));
models
  .command('pull')
  .description('download the configured models into PULSE_MODELS_DIR or nlp.modelsDir, for offline runs')
  .action(async () => (await import('./commands/models.ts')).modelsPullCommand(program.opts()));
models
  .command('verify')
  .description('load each configured model (offline when a models folder is set) and label one sample post')
  .action(async () => (await import('./commands/models.ts')).modelsVerifyCommand(program.opts()));

program
  .command('status')
  .description('per source: posts, newest post, last run and its outcome')
  .option('--json', 'print JSON')
  .action(async (o) => (await import('./commands/status.ts')).statusCommand(program.opts(), o));

program
  .command('events')
  .description('recent events: hours in which a hashtag, entity or topic had far more posts than usual')
  .option('--since <when>', 'events seen since a duration ago (24h, 7d) or a date', '7d')
  .option('--kind <kind>', 'only hashtag, entity, topic or story events')
  .option('--open', 'only events still open')
  .option('--limit <n>', 'at most this many events, newest first', '50')
  .option('--json', 'print JSON')
  .action(async (o) => (await import('./commands/events.ts')).eventsCommand(program.opts(), o));

program
  .command('dashboard')
  .description('serve the dashboard on 127.0.0.1 (config dashboard.host/port), or write a static report')
  .option('--host <host>', 'address to listen on (default: config dashboard.host, 127.0.0.1)')
  .option('--port <port>', 'port to listen on (default: config dashboard.port, 8787; 0 = any free port)')
  .option('--export <file.html>', 'write a self-contained HTML report of one view and exit')
  .option('--view <query>', 'the view to export or open: period=30d&source=mastodon, or a dashboard URL')
  .option('--open', 'open the dashboard in the default browser')
  .action(async (o) => (await import('./commands/dashboard.ts')).dashboardCommand(program.opts(), o));

program
  .command('doctor')
  .description('check the configuration, the lake, the warehouse and each source’s credential')
  .option('--offline', 'do not call the sources')
  .action(async (o) => (await import('./commands/doctor.ts')).doctorCommand(program.opts(), o));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Commander has printed what was wrong (and the usage). Its errors exit 1, which here says
    // that a step failed: bad usage exits 2, like the commands' own checks of option values.
    // --help and --version exit 0.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    const debug = program.opts<{ debug?: boolean }>().debug;
    if (e instanceof ConfigError) process.stderr.write(`${maskSecrets(e.message)}\n`);
    else process.stderr.write(`pulse: ${describeError(e)}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${maskSecrets(e.stack)}\n`);
    process.exitCode = e instanceof PulseError ? e.exitCode : e instanceof ConfigError ? 2 : 1;
  }
}
