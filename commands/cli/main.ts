import { Command, CommanderError, Option } from 'commander';
import { TOOL_VERSION } from '../../src/package-info.js';
import { FORMATS } from '../render/renderer.js';
import type { CliScope } from './action.js';
import { fileStream } from './fd-stream.js';
import { type CliIo, Output, OutputClosed, OutputFailed } from './io.js';
import { loadLibrary } from './library.js';
import { parseErrorOf } from './parse-errors.js';
import { COMMANDS, requestedCommand } from './registry.js';
import { reportError } from './report-error.js';

const EXAMPLES = `
Examples:
  $ tradedb init                          write tradedb.toml, create folders, migrate up
  $ tradedb query order 7c1e...           one order and its fills
  $ tradedb query sql "SELECT count(*) FROM trades" --json
  $ tradedb backup --keep 7 --wait 2m     nightly backup from cron
  $ tradedb config                        effective config and where each value came from

Exit codes: 0 ok, 64 usage, 65 data, 66 not found, 70 internal, 73 exists,
74 I/O, 75 retry later (locked, timeout), 78 config, 130/143 interrupted.`;

/**
 * Builds the commander program. Every subcommand is registered here, from
 * the registry: the one named in `argv` is loaded in full, the others are
 * stand-ins with their name and summary, enough for help and suggestions.
 */
export async function buildProgram(scope: CliScope, argv: readonly string[]): Promise<Command> {
  const wanted = requestedCommand(argv);
  return makeProgram(scope, (name) => name === wanted);
}

/** Every subcommand loaded in full: for `tradedb completion`, which describes them all. */
export function buildFullProgram(scope: CliScope): Promise<Command> {
  return makeProgram(scope, () => true);
}

async function makeProgram(scope: CliScope, loadInFull: (name: string) => boolean): Promise<Command> {
  const program = new Command('tradedb')
    .description('Database layer and operator tool for a DuckDB trading database')
    .version(TOOL_VERSION, '-V, --version', 'print the version')
    .option('-c, --config <path>', 'config file (default: search for tradedb.toml upward)')
    .option('--database <path>', 'database file (overrides database_path)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS))
    .option('--json', 'same as --format json')
    .option('-q, --quiet', 'only results and errors')
    .option('-v, --verbose', 'more detail on stderr, stacks for internal errors')
    .option('--no-color', 'no colour (also NO_COLOR, TERM=dumb)')
    .option('--wait <duration>', "wait this long for another process's lock (30s, 2m)")
    .option('--metrics-file <path>', 'write Prometheus metrics here when the command ends')
    .option('--direct', 'open the database file even when a live admin endpoint serves it')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true);

  for (const entry of COMMANDS) {
    program.addCommand(
      loadInFull(entry.name)
        ? (await entry.load())(scope)
        : new Command(entry.name).description(entry.summary),
    );
  }

  configureAll(program, scope);
  return program;
}

/** Output goes to the injected streams and errors become exceptions, on every subcommand. */
function configureAll(command: Command, scope: CliScope): void {
  command.exitOverride();
  // Every subcommand's --help lists --json, --format, --database, --wait... under "Global Options".
  command.configureHelp({ showGlobalOptions: true });
  command.configureOutput({
    writeOut: (text) => scope.out.writeNow(text),
    writeErr: (text) => scope.err.writeNow(text),
    // Parse errors are printed by exitCodeFor, like every other error (and as JSON with --json).
    outputError: () => {},
  });
  for (const sub of command.commands) configureAll(sub, scope);
}

/**
 * Runs the CLI in this process and returns its exit code; it never exits the
 * process, so tests call it directly.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const scope: CliScope = {
    io,
    out: new Output(io.stdout),
    err: new Output(io.stderr, 'stderr'),
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = await buildProgram(scope, argv);
  let code: number;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    code = exitCode;
  } catch (error) {
    code = await exitCodeFor(error, io, argv, program);
  }
  return settleOutput(code, scope, argv, program);
}

/**
 * A command that printed its result but whose last writes failed (a full
 * disk, /dev/full) did not succeed: its output is incomplete. Waits for
 * every write to land; a failure turns a successful exit into 74. A command
 * that already failed keeps its own code, which says more.
 */
async function settleOutput(
  code: number,
  scope: CliScope,
  argv: readonly string[],
  program: Command,
): Promise<number> {
  await scope.out.flush();
  await scope.err.flush();
  const failure = scope.out.failed ?? scope.err.failed;
  if (failure === undefined || code >= 64) return code;
  return exitCodeFor(failure, scope.io, argv, program);
}

/** The one place where errors become exit codes (README "Exit codes"). */
async function exitCodeFor(
  error: unknown,
  io: CliIo,
  argv: readonly string[],
  program: Command,
): Promise<number> {
  if (error instanceof OutputClosed) return 0;
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  const json =
    argv.includes('--json') ||
    argv.includes('--format=json') ||
    argv.some((arg, i) => arg === '--format' && argv[i + 1] === 'json');
  if (error instanceof CommanderError) {
    const lib = await loadLibrary();
    const parsed = parseErrorOf(lib, error, program, argv);
    // Help and version end with exitCode 0; help shown for a missing subcommand is a usage error.
    if (parsed === undefined) return error.exitCode === 0 ? 0 : 64;
    return reportError(new lib.UsageError(parsed.message, { hint: parsed.hint }), io, { verbose, json });
  }
  const reported = error instanceof OutputFailed ? await asIoError(error) : error;
  const code = await reportError(reported, io, { verbose, json });
  if (code === 130 && io.signal?.aborted && String(io.signal.reason).includes('SIGTERM')) return 143;
  return code;
}

/** A failed write as the library's error for it: exit 74, DISK_FULL or IO in JSON. */
async function asIoError(failure: OutputFailed): Promise<Error> {
  const { DiskFullError, IoError } = await loadLibrary();
  const hint = `what was written to ${failure.streamName} is incomplete; ${
    failure.diskFull ? 'free some space or write' : 'write'
  } elsewhere, then run the command again`;
  return failure.diskFull
    ? new DiskFullError(failure.message, { cause: failure.reason, hint })
    : new IoError(failure.message, { cause: failure.reason, hint });
}

/** The process entry point used by bin/tradedb.cjs: signals, exit code, and nothing else. */
export async function main(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGTERM' ? 143 : 130);
    controller.abort(`interrupted by ${signal}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await runCli(process.argv.slice(2), {
    // Files and devices get a stream that reports short writes; terminals and pipes keep Node's.
    stdout: fileStream(1) ?? process.stdout,
    stderr: fileStream(2) ?? process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    confirm: askOnTerminal,
  });
  const interrupted = controller.signal.aborted;
  const signalled = String(controller.signal.reason ?? '').includes('SIGTERM') ? 143 : 130;
  // A command that finished anyway (the signal came after its point of no return) reports what it did: 0.
  process.exit(interrupted && code !== 0 && code !== 64 ? signalled : code);
}

async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
