// Overhead of metrics + tracing on the hot path (notes/o1-bench.md), on the built library:
//   npm run build && node test/integration/observability/overhead-bench.mjs [slices]
// TRADEDB_LIB=/path/to/dist/src/index.js points it at another build.
// Configurations take turns in small slices (the order rotating), on one database file,
// so that machine noise hits them alike.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIGINT, DOUBLE, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';

const lib = await import(
  process.env.TRADEDB_LIB ?? new URL('../../../dist/src/index.js', import.meta.url).href
);
const SLICES = Number(process.argv[2] ?? 40);
const LOOKUPS_PER_SLICE = 100;
const ORDERS = 100_000;
const CHUNK_ROWS = 2048;
const CHUNKS_PER_SLICE = 10;
const OBSERVER_CALLS = 200_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-o1-bench-'));
const databasePath = path.join(dir, 'bench.duckdb');

async function configWith(values) {
  const overrides = Object.entries({ database_path: databasePath, ...values }).map(([key, value]) => ({
    key,
    value,
    flag: 'bench',
  }));
  return (await lib.loadConfig({ noFile: true, env: {}, overrides })).config;
}

const CONFIGS = {
  'no observer': { values: {}, observer: () => lib.NOOP_OBSERVER },
  'metrics+tracing off': {
    values: { 'observability.enable_metrics': false, 'observability.enable_tracing': false },
  },
  'metrics+tracing on': {
    values: { 'observability.enable_metrics': true, 'observability.enable_tracing': true },
  },
};

const pools = {};
for (const [name, spec] of Object.entries(CONFIGS)) {
  const config = await configWith(spec.values);
  const observer = spec.observer ? spec.observer() : await lib.createTelemetry(config);
  pools[name] = await lib.Pool.open({ config, observer });
}
const names = Object.keys(pools);
const first = pools[names[0]];

await first.withWriter(async (db) => {
  await db.run(`CREATE TABLE orders (order_id UUID PRIMARY KEY, symbol VARCHAR, price DECIMAL(18,8),
    status VARCHAR, created_at TIMESTAMPTZ)`);
  await db.run(`INSERT INTO orders
    SELECT uuid(), 'SYM-' || (i % 50), (i % 1000)::DECIMAL(18,8), 'open', now() FROM range(${ORDERS}) t(i)`);
  for (const name of names) {
    await db.run(`CREATE TABLE "ticks_${name}" (seq BIGINT, symbol VARCHAR, price DOUBLE, size DOUBLE)`);
  }
});
const ids = (await first.withReader((db) => db.all('SELECT order_id::VARCHAR AS id FROM orders'))).map(
  (row) => row.id,
);

const chunks = Array.from({ length: CHUNKS_PER_SLICE }, (_, c) => {
  const chunk = DuckDBDataChunk.create([BIGINT, VARCHAR, DOUBLE, DOUBLE], CHUNK_ROWS);
  const seq = [];
  const symbol = [];
  const price = [];
  const size = [];
  for (let r = 0; r < CHUNK_ROWS; r++) {
    seq.push(BigInt(c * CHUNK_ROWS + r));
    symbol.push(`SYM-${r % 50}`);
    price.push(100 + (r % 97) / 7);
    size.push(1 + (r % 13));
  }
  chunk.setColumns([seq, symbol, price, size]);
  return chunk;
});

/** Latencies (µs) of point lookups through a reader session's cached prepared statement. */
async function lookupSlice(pool, slice, into) {
  await pool.withReader(async (db) => {
    for (let i = 0; i < LOOKUPS_PER_SLICE; i++) {
      const id = ids[((slice * LOOKUPS_PER_SLICE + i) * 7919) % ids.length];
      const started = performance.now();
      await db.one('SELECT * FROM orders WHERE order_id = ?', [id], { table: 'orders' });
      into.push((performance.now() - started) * 1000);
    }
  });
}

/** Seconds to append CHUNKS_PER_SLICE DataChunks, each flush reported like a repository would. */
async function appendSlice(pool, name) {
  const table = `ticks_${name}`;
  return pool.withWriter(async (db) => {
    const appender = await db.appender(table);
    const started = performance.now();
    for (const chunk of chunks) {
      await db.execute(`APPEND ${table}`, { table: 'market_ticks' }, async () => {
        appender.appendDataChunk(chunk);
        appender.flushSync();
        return { value: undefined, rows: CHUNK_ROWS };
      });
      pool.observer.rowsWritten('market_ticks', CHUNK_ROWS);
    }
    const seconds = (performance.now() - started) / 1000;
    db.closeAppender(appender);
    return seconds;
  });
}

/** Nanoseconds per startStatement + end, without DuckDB: the observer's own cost. */
function observerCost(observer) {
  const info = {
    sql: 'SELECT * FROM orders WHERE order_id = ?',
    role: 'reader',
    operation: 'select',
    table: 'orders',
  };
  const outcome = { durationMs: 0.1, rows: 1 };
  const started = process.hrtime.bigint();
  for (let i = 0; i < OBSERVER_CALLS; i++) observer.startStatement(info)(outcome);
  return Number(process.hrtime.bigint() - started) / OBSERVER_CALLS;
}

const results = Object.fromEntries(
  names.map((name) => [name, { lookups: [], appendSeconds: 0, lookupCpu: 0, appendCpu: 0, observerNs: [] }]),
);
// CPU time (every thread of the process, DuckDB's included) is less disturbed than wall time on a busy machine.
const cpuMicros = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
// Slice -1 warms up and is not recorded; the order of the configurations rotates every slice.
for (let slice = -1; slice < SLICES; slice++) {
  const shift = (slice + names.length) % names.length;
  const order = [...names.slice(shift), ...names.slice(0, shift)];
  for (const name of order) {
    const result = results[name];
    const sink = slice < 0 ? [] : result.lookups;
    const cpu0 = cpuMicros();
    await lookupSlice(pools[name], slice + 1, sink);
    const cpu1 = cpuMicros();
    const seconds = await appendSlice(pools[name], name);
    const cpu2 = cpuMicros();
    const ns = observerCost(pools[name].observer);
    if (slice >= 0) {
      result.lookupCpu += cpu1 - cpu0;
      result.appendCpu += cpu2 - cpu1;
      result.appendSeconds += seconds;
      result.observerNs.push(ns);
    }
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[(values.length - 1) >> 1];
const lookups = SLICES * LOOKUPS_PER_SLICE;
const rows = SLICES * CHUNKS_PER_SLICE * CHUNK_ROWS;
const measures = (result) => ({
  lookupP50: median(result.lookups),
  lookupCpu: result.lookupCpu / lookups,
  appendRate: rows / result.appendSeconds,
  appendCpu: (result.appendCpu * 1000) / rows,
});
const off = measures(results['metrics+tracing off']);
const ratio = (value, base) => `${(value / base).toFixed(3)}x`;
console.log(
  `slices: ${SLICES}; point lookups per configuration: ${lookups}; rows appended per configuration: ${rows} (chunks of ${CHUNK_ROWS}, one reported statement each)`,
);
console.log(
  '| configuration | lookup p50 wall (µs) | vs off | lookup CPU (µs/op) | vs off | append (rows/s) | vs off | append CPU (ns/row) | vs off | observer (ns/statement) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const name of names) {
  const m = measures(results[name]);
  const cells = [
    name,
    m.lookupP50.toFixed(1),
    ratio(m.lookupP50, off.lookupP50),
    m.lookupCpu.toFixed(1),
    ratio(m.lookupCpu, off.lookupCpu),
    Math.round(m.appendRate).toLocaleString('en-US'),
    ratio(m.appendRate, off.appendRate),
    m.appendCpu.toFixed(0),
    ratio(m.appendCpu, off.appendCpu),
    median(results[name].observerNs).toFixed(0),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

for (const pool of Object.values(pools)) await pool.close();
fs.rmSync(dir, { recursive: true, force: true });
