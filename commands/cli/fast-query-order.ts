import { callIfServed, type OrderWithTrades } from '../../src/admin.js';
import { loadConfig, type PlainValue } from '../../src/index.js';
import { toJsonText } from '../render/json-text.js';

/**
 * The launcher's fast path for `tradedb query order <id> --json` beside a
 * live service: an operator's (or a script's) most frequent question, whose
 * budget is a fraction of opening the file with DuckDB. bin/tradedb.cjs
 * requires this file (bundled on its own as dist/cli/fast-query-order.cjs)
 * before the CLI, commander or DuckDB load, and prints what it returns.
 *
 * It reads the config with the library's own loadConfig and asks the
 * endpoint with the library's own client (callIfServed: findAdminServer's
 * check, the lookup sent alongside), so it finds exactly the server the
 * CLI would. On any doubt it returns undefined and the full CLI runs
 * the command as always: an unusual flag, a config it cannot load, no live
 * endpoint, or an error answer (the CLI asks again and reports it in its
 * usual words and exit code, e.g. 66 for an unknown order).
 */
export async function fastQueryOrder(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<string | undefined> {
  if (env['TRADEDB_NO_FAST_PATH']) return undefined;
  const request = parseLookup(argv);
  if (!request) return undefined;
  try {
    const { config } = await loadConfig({
      cwd,
      env,
      ...(request.config === undefined ? {} : { configPath: request.config }),
      overrides:
        request.database === undefined
          ? []
          : [{ key: 'database_path', value: request.database, flag: 'database' }],
      // As the CLI: HOME from the same environment as everything else.
      ...(env['HOME'] ? { homeDir: env['HOME'] } : {}),
    });
    // The CLI writes the metrics file when it ends; that is its job, not this path's.
    if (config.observability.metrics_file !== '') return undefined;
    // An endpoint that does not answer at once gets the full CLI's longer patience.
    const answer = await callIfServed<OrderWithTrades>(
      config,
      'query/order',
      { reference: request.id },
      { timeoutMs: 2_000 },
    );
    if (!answer) return undefined;
    const { order, trades } = answer.result;
    // What Renderer.object prints for `--json` (commands/query/order.ts).
    return `${toJsonText({ ...order, trades } as unknown as PlainValue, '', '  ')}\n`;
  } catch {
    return undefined;
  }
}

/** What the fast path needs from the command line. */
export interface LookupRequest {
  id: string;
  config?: string;
  database?: string;
}

/** Global options the fast path understands: those that only locate the database, or ask for JSON. */
const WITH_VALUE: Record<string, 'config' | 'database' | 'format'> = {
  '-c': 'config',
  '--config': 'config',
  '--database': 'database',
  '--format': 'format',
};
const FLAGS = new Set(['--json', '-q', '--quiet']);

/**
 * `[options] query order <id> [options]` with JSON output and nothing else
 * (no option between the words, none given twice, an id that is not an
 * option), or undefined.
 */
export function parseLookup(argv: readonly string[]): LookupRequest | undefined {
  const words: string[] = [];
  const seen = new Set<string>();
  const values: Partial<Record<'config' | 'database' | 'format', string>> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      words.push(arg);
      continue;
    }
    // Options only before `query` or after the id: commander would read them alike, but so simply.
    if (words.length !== 0 && words.length !== 3) return undefined;
    const equals = arg.indexOf('=');
    const name = arg.startsWith('--') && equals !== -1 ? arg.slice(0, equals) : arg;
    const key = WITH_VALUE[name];
    if (seen.has(key ?? name)) return undefined;
    seen.add(key ?? name);
    if (FLAGS.has(arg)) {
      if (arg === '--json') json = true;
      continue;
    }
    if (key === undefined) return undefined;
    const value = name === arg ? argv[++i] : arg.slice(equals + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    values[key] = value;
  }
  if (values.format !== undefined) {
    if (values.format !== 'json') return undefined;
    json = true;
  }
  if (!json || words.length !== 3 || words[0] !== 'query' || words[1] !== 'order') return undefined;
  return {
    id: words[2]!,
    ...(values.config === undefined ? {} : { config: values.config }),
    ...(values.database === undefined ? {} : { database: values.database }),
  };
}
