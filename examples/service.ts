// The trading service: holds the database read-write all day, ingests ticks a
// few batches a second, records fills, and serves the admin endpoint so that
// `tradedb backup`, `query order`, `stats`... run beside it.
// Run: npm run build && npm run example:service -- --database ./trading.duckdb
// (the database may also come from TRADEDB_DATABASE_PATH or a tradedb.toml, as the CLI finds it;
// the script starts node with `-r tradedb/threadpool`). Stop it with Ctrl-C or SIGTERM.
import { parseArgs } from 'node:util';
import {
  createTelemetry,
  isTradeDbError,
  loadConfig,
  MarketDataRepository,
  MigrationRunner,
  OrderRepository,
  Pool,
  type ScaledTick,
  TradeRepository,
} from 'tradedb';
import { type AdminServer, startAdminServer } from 'tradedb/admin';

const { values: flags } = parseArgs({
  options: {
    database: { type: 'string' },
    'batch-size': { type: 'string', default: '50' },
    'interval-ms': { type: 'string', default: '250' },
    'fill-every': { type: 'string', default: '4' },
    verbose: { type: 'boolean', default: false },
  },
});

function wholeNumber(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`--${name} must be a positive whole number, got ${text}`);
    process.exit(64);
  }
  return value;
}
const BATCH_SIZE = wholeNumber('batch-size', flags['batch-size']);
const INTERVAL_MS = wholeNumber('interval-ms', flags['interval-ms']);
/** One order and its fill every this many tick batches. */
const FILL_EVERY = wholeNumber('fill-every', flags['fill-every']);
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN'];

/** A start-up failure in one line (and the library's hint), with its exit code: a locked file is 75, not a stack. */
function failed(error: unknown): never {
  if (isTradeDbError(error)) {
    console.error(`service: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}`);
    process.exit(error.exitCode);
  }
  console.error('service:', error);
  process.exit(1);
}

// The same files, environment and defaults as the CLI, so `tradedb` finds this service's socket.
const { config } = await loadConfig({
  overrides: flags.database ? [{ key: 'database_path', value: flags.database, flag: 'database' }] : [],
}).catch(failed);
const telemetry = await createTelemetry(config, { stderr: process.stderr });
const pool = await Pool.open({ config, observer: telemetry }).catch(failed);
let server: AdminServer;
try {
  // A service that owns its schema brings it up to date before it takes traffic.
  await new MigrationRunner({ pool }).up();
  server = await startAdminServer(pool);
} catch (error) {
  await pool.close();
  failed(error);
}
const market = new MarketDataRepository(pool);
const orders = new OrderRepository(pool);
const trades = new TradeRepository(pool);

let seq = 0n;
let ticksCommitted = 0;
let fillsCommitted = 0;

/** One batch of ticks stamped now, in the engine's units: microseconds, decimals scaled by 10^8. */
function* batch(): Generator<ScaledTick> {
  const nowMicros = BigInt(Date.now()) * 1000n;
  for (let index = 0; index < BATCH_SIZE; index++) {
    const price = 18_725_000_000n + (seq % 500n) * 1_000_000n; // 187.25 + cents
    yield {
      ts: nowMicros + BigInt(index),
      exchange: 'XNAS',
      symbol: SYMBOLS[index % SYMBOLS.length]!,
      price,
      size: 100_00000000n,
      bid: price - 1_000_000n,
      ask: price + 1_000_000n,
      seq: seq++,
    };
  }
}

/** An order sent and filled: the order, its trade and the position move in one transaction. */
async function recordFill(): Promise<void> {
  const order = await orders.create({
    client_order_id: `service-${process.pid}-${fillsCommitted + 1}`,
    exchange: 'XNAS',
    symbol: SYMBOLS[fillsCommitted % SYMBOLS.length]!,
    side: fillsCommitted % 2 === 0 ? 'buy' : 'sell',
    order_type: 'limit',
    quantity: '10',
    price: '187.25',
    status: 'open',
  });
  await trades.recordFill({ order_id: order.order_id, quantity: '10', price: '187.25', fee_currency: 'USD' });
  fillsCommitted++;
}

let stopping = false;
/** The ingest loop: a batch, sometimes a fill, then a pause; an error is logged and the loop goes on. */
async function ingest(): Promise<void> {
  for (let round = 1; !stopping; round++) {
    try {
      ticksCommitted += await market.appendScaledTicks(batch());
      if (round % FILL_EVERY === 0) await recordFill();
      // Only after the writes resolved: what this line counts is committed.
      if (flags.verbose) console.error(`committed ${ticksCommitted} ticks, ${fillsCommitted} fills`);
    } catch (error) {
      console.error(`ingest: ${error instanceof Error ? error.message : String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
}

const ingesting = ingest();
console.error(`service ready: pid ${process.pid}, database ${pool.file}, admin socket ${server.socketPath}`);

async function shutDown(signal: NodeJS.Signals): Promise<void> {
  console.error(`service stopping on ${signal}`);
  // Running admin jobs finish (or are cancelled after server.shutdown_grace_ms) while ticks still flow.
  await server.close();
  stopping = true;
  await ingesting;
  await pool.close(); // only now is the file lock free
  telemetry.close();
  console.error(`service stopped: ${ticksCommitted} ticks, ${fillsCommitted} fills committed`);
  process.exit(0);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutDown(signal).catch((error: unknown) => {
      console.error(`service: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
  });
}
