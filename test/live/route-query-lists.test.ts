import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/admin.js';
import { type CliResult, cli } from '../helpers/cli.js';
import { type LiveServer, serveInProcess } from '../helpers/live-server.js';
import { suiteDir } from '../helpers/temp.js';

const SYMBOL = 'BTC-USD';
const DAY_MS = 86_400_000;
const day = (ago: number) => new Date(Date.now() - ago * DAY_MS).toISOString().slice(0, 10);
const FORMATS = [[], ['--json'], ['--format', 'ndjson'], ['--format', 'csv']];

/**
 * Four days of one symbol's ticks ending today, the two oldest retired to
 * the cold tier, and some orders: every list command is run directly first,
 * then again through an endpoint served in this process, and must print the
 * same bytes with the same exit code. Absolute dates only, so both runs ask
 * for the same window. About 70 in-process CLI runs, each twice: some 3 s.
 */
describe('query lists through the admin endpoint', () => {
  let dir: string;
  let env: Record<string, string>;
  let clientOrderId: string;
  let live: LiveServer;
  const config = (dir: string) => ({
    'export.directory': path.join(dir, 'cold'),
    'retention.hot_data_days': 1,
    'retention.warm_data_days': 2,
    'retention.cold_data_days': 30,
  });

  beforeAll(async () => {
    dir = suiteDir();
    env = {
      TRADEDB_DATABASE_PATH: path.join(dir, 'live.duckdb'),
      TRADEDB_EXPORT_DIRECTORY: path.join(dir, 'cold'),
      TRADEDB_RETENTION_HOT_DATA_DAYS: '1',
      TRADEDB_RETENTION_WARM_DATA_DAYS: '2',
      TRADEDB_RETENTION_COLD_DATA_DAYS: '30',
    };
    const seeded = await cli(
      ['seed', '--symbols', '1', '--days', '4', '--ticks-per-day', '24', '--orders', '12'],
      { cwd: dir, env },
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    const exported = await cli(
      ['export-partitions', '--table', 'market_ticks', '--apply-retention', '--yes'],
      {
        cwd: dir,
        env,
      },
    );
    expect(exported.code, exported.stderr).toBe(0);
    const listed = await cli(['query', 'orders', '--limit', '1', '--json'], { cwd: dir, env });
    clientOrderId = JSON.parse(listed.stdout)[0].client_order_id;
  });

  const run = (argv: string[]): Promise<CliResult> => cli(argv, { cwd: dir, env });

  it('prints the same bytes and exit codes routed as direct, in every format', async () => {
    const since = ['--since', day(3)];
    // Every command in every format once; further filters of a command in one format.
    const lists = [
      ['query', 'orders', '--limit', '5'],
      ['query', 'trades', '--order', clientOrderId],
      ['query', 'positions', '--open'],
      // Only the two retired days: without the cold tier this window is empty.
      ['query', 'ticks', '--symbol', SYMBOL, ...since, '--until', day(1), '--include-cold'],
      ['query', 'bars', '--symbol', SYMBOL, '--interval', '1h', ...since, '--limit', '6'],
      ['query', 'snapshots', ...since],
    ];
    const runs = [
      ...lists.flatMap((argv) => FORMATS.map((format) => [...argv, ...format])),
      [
        'query',
        'orders',
        '--where',
        'quantity>=0.1',
        '--order-by',
        'price:desc',
        '--limit',
        '4',
        '--offset',
        '2',
      ],
      ['query', 'orders', '--status', 'filled', ...since, '--json'],
      ['query', 'trades', '--side', 'buy', '--limit', '3', '--format', 'csv'],
      ['query', 'ticks', '--symbol', SYMBOL, ...since, '--limit', '5'],
      // Empty results and their hints: nothing matches, and a window that lives only in the cold tier.
      ['query', 'orders', '--symbol', 'NO-SUCH', '--json'],
      ['query', 'ticks', '--symbol', SYMBOL, '--since', day(3), '--until', day(2)],
      ['query', 'bars', '--symbol', 'NO-SUCH', '--interval', '1d'],
      // Errors: an unknown client_order_id (66) and flags the CLI refuses itself (64).
      ['query', 'trades', '--order', 'no-such-order'],
      ['query', 'orders', '--where', 'nope=1'],
      ['query', 'orders', '--limit', '1000000'],
      ['query', 'ticks', '--symbol', SYMBOL, '--include-cold', '--offset', '1'],
    ];
    const direct: CliResult[] = [];
    for (const argv of runs) direct.push(await run(argv));
    const requests: string[] = [];
    live = await serveInProcess(
      env.TRADEDB_DATABASE_PATH!,
      { onRequest: (entry) => requests.push(entry.path) },
      {
        ...config(dir),
      },
    );
    for (const [index, argv] of runs.entries()) {
      expect({ argv, ...(await run(argv)) }).toEqual({ argv, ...direct[index] });
    }
    // The data is there: the comparisons are not of empty lists.
    expect(direct[0]!.stdout.split('\n').length).toBeGreaterThan(5);
    const cold = JSON.parse(
      direct[lists.findIndex((argv) => argv.includes('--include-cold')) * 4 + 1]!.stdout,
    );
    expect(cold).toHaveLength(48);
    expect(direct.at(-6)!.stderr).toContain('in the Parquet cold tier');
    expect(direct.slice(-4).map((result) => result.code)).toEqual([66, 64, 64, 64]);
    // Usage errors are the CLI's own: they never reach the endpoint.
    const routed = requests.filter((path) => path.startsWith('/v1/query/'));
    expect(routed).toHaveLength(runs.length - 3);
  });

  it('refuses a hostile caller of the endpoint what the CLI would refuse, with a 400 and nothing run', async () => {
    live ??= await serveInProcess(env.TRADEDB_DATABASE_PATH!, {}, config(dir));
    const client = await AdminClient.connect(live.server.socketPath);
    const hostile: Array<[string, unknown, string]> = [
      ['query/orders', { where: [{ column: 'no_such_column', op: '=', value: '1' }] }, 'no_such_column'],
      ['query/orders', { where: [{ column: 'symbol', op: 'LIKE', value: '%' }] }, '`op` must be one of'],
      ['query/orders', { orderBy: [{ column: 'price; DROP TABLE orders', direction: 'asc' }] }, 'DROP TABLE'],
      ['query/orders', { orderBy: [{ column: 'price', direction: 'desc, 1' }] }, '`direction` must be'],
      ['query/trades', { limit: 1_000_000_000 }, '`limit` must be an integer from 1 to 100000'],
      ['query/ticks', { symbol: SYMBOL, sql: 'SELECT 1' }, 'unknown argument sql'],
      [
        'query/ticks',
        { symbol: SYMBOL, includeCold: true, where: [{ column: 'seq', op: '>', value: '0' }] },
        'where',
      ],
      ['query/positions', { since: '2026-01-01' }, 'unknown argument since'],
      ['query/bars', { symbol: SYMBOL, interval: '7m' }, '`interval` must be one of'],
      ['query/snapshots', { until: 'tomorrow' }, 'not a time'],
      ['partitions', { tables: ['orders; DROP TABLE orders'] }, 'not a time-partitioned table'],
      // Migration files are SQL the server would run: never from a folder the caller names.
      ['migrate/up', { directory: dir }, 'come from its own config'],
      ['migrate/status', { directory: '/etc' }, 'come from its own config'],
    ];
    for (const [route, args, message] of hostile) {
      const refused = await client.call(route, args).then(
        () => undefined,
        (error: Error & { code?: string }) => error,
      );
      expect({ route, code: refused?.code }).toEqual({ route, code: 'USAGE' });
      expect(refused!.message).toContain(message);
    }
    const raw = await rawPost(live.server.socketPath, '/v1/query/orders', {
      args: { limit: 1_000_000_000 },
    });
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.body).error.code).toBe('USAGE');
  });
});

/** One POST over the Unix socket, without the client's checks. */
function rawPost(
  socketPath: string,
  route: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const request = http.request(
      { socketPath, path: route, method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        let received = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          received += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: received }));
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}
