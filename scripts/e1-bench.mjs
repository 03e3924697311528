// E1 benchmark: `exportPartitions` (what `tradedb export-partitions` runs) against a raw
// `COPY ... TO ... (FORMAT parquet, COMPRESSION zstd, PARTITION_BY ...)` of the same rows,
// in one process, on one DuckDB instance with the same settings, alternating the order.
// Usage: npx tsc -p tsconfig.build.json && node scripts/e1-bench.mjs [rows=5000000] [days=10] [rounds=3]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { Pool, loadConfig } = await import(path.join(ROOT, 'dist', 'src', 'index.js'));
const { exportPartitions } = await import(path.join(ROOT, 'dist', 'src', 'admin.js'));

const rows = Number(process.argv[2] ?? 5_000_000);
const days = Number(process.argv[3] ?? 10);
const rounds = Number(process.argv[4] ?? 3);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-e1-bench-'));
const now = new Date();
const firstDay = new Date(
  Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 10 - days + 1),
);
const day = (i) => new Date(firstDay.getTime() + i * 86_400_000).toISOString().slice(0, 10);

const { config } = await loadConfig({
  cwd: work,
  env: {},
  noFile: true,
  overrides: [
    { key: 'database_path', value: path.join(work, 'bench.duckdb'), flag: 'bench' },
    { key: 'export.directory', value: path.join(work, 'cold'), flag: 'bench' },
    { key: 'performance.num_threads', value: os.availableParallelism(), flag: 'bench' },
    { key: 'pool.query_timeout_ms', value: 0, flag: 'bench' },
  ],
});
const pool = await Pool.open({ config });
const sql = (text) => pool.withWriter((session) => session.connection.run(text));

for (const file of fs
  .readdirSync(path.join(ROOT, 'migrations'))
  .filter((f) => /^\d+_.*\.sql$/.test(f))
  .sort()) {
  const text = fs.readFileSync(path.join(ROOT, 'migrations', file), 'utf8');
  await sql(text.split('-- migrate:up')[1].split('-- migrate:down')[0]);
}
// Ticks arrive in time order, 20 symbols interleaved, all days older than the hot tier (warm).
const step = Math.floor((days * 86_400_000_000) / rows);
let started = performance.now();
await sql(`INSERT INTO market_ticks
  SELECT TIMESTAMPTZ '${day(0)} 00:00:00+00' + to_microseconds(CAST(i * ${step} + hash(i) % ${step} AS BIGINT)),
         'XNAS', 'SYM' || CAST(i % 20 AS VARCHAR),
         CAST(100 + (hash(i) % 100000) / 1000 AS DECIMAL(18,8)), CAST((hash(i * 7) % 1000) / 100 AS DECIMAL(18,8)),
         CAST(99.5 AS DECIMAL(18,8)), CAST(100.5 AS DECIMAL(18,8)), i
  FROM range(${rows}) t(i)`);
await sql('CHECKPOINT');
console.log(
  `loaded ${rows} ticks over ${days} days in ${Math.round(performance.now() - started)} ms (${work})`,
);

const rawDir = path.join(work, 'raw');
const dayColumn = `(DATE '1970-01-01' + CAST(floor(epoch_us(ts) / 86400000000) AS INTEGER))`;
const dayList = Array.from({ length: days }, (_, i) => day(i));
const variants = {
  // The same output as export-partitions: one folder per day, rows sorted by (symbol, ts), zstd.
  'raw COPY PARTITION_BY, sorted': `COPY (SELECT *, ${dayColumn} AS date FROM market_ticks ORDER BY symbol, ts)
     TO '${rawDir}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, PARTITION_BY (date), OVERWRITE)`,
  'raw COPY PARTITION_BY, unsorted': `COPY (SELECT *, ${dayColumn} AS date FROM market_ticks)
     TO '${rawDir}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, PARTITION_BY (date), OVERWRITE)`,
  // The COPYs export-partitions itself runs, without discovery, fingerprints, read-back, sha256,
  // fsync, renames, ledger and manifest: the difference to it is tradedb's own overhead.
  'raw per-day COPY, sorted': async () => {
    fs.mkdirSync(rawDir);
    for (const d of dayList) {
      await sql(`COPY (SELECT * FROM market_ticks WHERE ts >= TIMESTAMPTZ '${d} 00:00:00+00'
          AND ts < TIMESTAMPTZ '${d} 00:00:00+00' + INTERVAL 1 DAY ORDER BY symbol, ts)
        TO '${rawDir}/${d}.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
    }
  },
};

async function exportOnce() {
  // Start from nothing each round: no ledger rows, no files.
  await sql('DELETE FROM partition_exports');
  fs.rmSync(config.export.directory, { recursive: true, force: true });
  const report = await exportPartitions(pool, { tables: ['market_ticks'] });
  if (report.exported !== days || report.rows_exported !== rows)
    throw new Error(`bad export: ${JSON.stringify(report)}`);
}

// Wall time, and the process's CPU time (user + system, DuckDB's threads included): on a shared
// machine other processes stretch wall time, while CPU time stays close to the work done.
const names = ['tradedb exportPartitions', ...Object.keys(variants)];
const wall = Object.fromEntries(names.map((name) => [name, []]));
const cpu = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 1 ? [...names].reverse() : names;
  for (const name of order) {
    fs.rmSync(rawDir, { recursive: true, force: true });
    const cpuBefore = process.cpuUsage();
    started = performance.now();
    if (name === 'tradedb exportPartitions') await exportOnce();
    else if (typeof variants[name] === 'function') await variants[name]();
    else await sql(variants[name]);
    wall[name].push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu[name].push((used.user + used.system) / 1000);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => String(Math.round(value)).padStart(6);
console.log(
  `\nnode ${process.version}, ${os.cpus().length} CPUs, threads=${config.performance.num_threads}, ` +
    `load average ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}, ${rounds} rounds (median)`,
);
console.log(`${'variant'.padEnd(34)}   wall ms    cpu ms   wall ratio  cpu ratio   (wall per round)`);
const oursWall = median(wall[names[0]]);
const oursCpu = median(cpu[names[0]]);
for (const name of names) {
  const w = median(wall[name]);
  const c = median(cpu[name]);
  const ratios =
    name === names[0] ? '' : `   ${(oursWall / w).toFixed(2)}x      ${(oursCpu / c).toFixed(2)}x`;
  console.log(
    `${name.padEnd(34)} ${ms(w)}    ${ms(c)}${ratios.padEnd(25)}   (${wall[name].map((v) => Math.round(v)).join(', ')})`,
  );
}
const bytes = (dir) =>
  fs.readdirSync(dir, { recursive: true }).reduce((total, f) => {
    const stat = fs.statSync(path.join(dir, f));
    return stat.isFile() ? total + stat.size : total;
  }, 0);
console.log(`Parquet bytes written by tradedb: ${bytes(config.export.directory)}`);
await pool.close();
fs.rmSync(work, { recursive: true, force: true });
