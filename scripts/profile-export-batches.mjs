// Where export-partitions spends its time when partitions are many (as the
// many-partition case of `tradedb bench export`: 120 days x 5 tables): the
// wall time of each kind of statement and file operation, summed over a run
// from nothing and over a second run with nothing new. After `npm run build`:
//   node scripts/profile-export-batches.mjs [days]
// With `ticks` after the days, the 7-day case of the bench instead: 1M ticks
// of market_ticks alone over the days (node scripts/profile-export-batches.mjs 7 ticks).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportPartitions } from '../dist/src/admin.js';
import { dayBefore, insertTicksSql } from '../dist/src/bench/fixtures.js';
import { insertTablesSql } from '../dist/src/bench/fixtures-tables.js';
import { NODE_FS } from '../dist/src/fs/port.js';
import { loadConfig, MigrationRunner, Pool } from '../dist/src/index.js';

const days = Number(process.argv[2] ?? 120);
const ticksOnly = process.argv[3] === 'ticks';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-profile-batches-'));
const totals = new Map();
const add = (what, ms) => {
  const entry = totals.get(what) ?? { ms: 0, n: 0 };
  entry.ms += ms;
  entry.n++;
  totals.set(what, entry);
};
const observer = {
  startStatement(info) {
    const started = performance.now();
    const kind = /^\s*(\w+)/.exec(info.sql ?? '')?.[1]?.toUpperCase() ?? '?';
    const what =
      kind === 'SELECT' && /hash\(/.test(info.sql)
        ? 'SELECT fingerprint'
        : kind === 'SELECT' && /parquet_file_metadata/.test(info.sql)
          ? 'SELECT footers'
          : kind;
    return () => add(`sql ${what}${kind === 'COPY' ? ` ${info.table}` : ''}`, performance.now() - started);
  },
  startJob: () => () => {},
  rowsWritten: () => {},
};
const timedFs = Object.fromEntries(
  Object.entries(NODE_FS).map(([name, op]) => [
    name,
    async (...args) => {
      const started = performance.now();
      try {
        return await op(...args);
      } finally {
        add(`fs ${name}`, performance.now() - started);
      }
    },
  ]),
);
const { config } = await loadConfig({
  cwd: dir,
  noFile: true,
  env: {},
  overrides: [
    { key: 'database_path', value: path.join(dir, 'db.duckdb'), flag: 'database' },
    { key: 'export.directory', value: path.join(dir, 'cold'), flag: 'out' },
    { key: 'retention.hot_data_days', value: '1', flag: 'x' },
    { key: 'retention.warm_data_days', value: String(days + 1), flag: 'x' },
    { key: 'retention.cold_data_days', value: String(days + 2), flag: 'x' },
  ],
});
const pool = await Pool.open({ config, observer });
try {
  await new MigrationRunner({ pool }).up();
  await pool.withWriter((s) =>
    ticksOnly
      ? insertTicksSql(s, { rows: 1_000_000, symbols: 50, firstDay: dayBefore(days), days })
      : insertTablesSql(s, { firstDay: dayBefore(days), days, symbols: 10, ticksPerSymbolDay: 1440 }),
  );
  await pool.withWriter((s) => s.run('CHECKPOINT'));
  for (const run of ['first run', 'second run']) {
    totals.clear();
    const started = performance.now();
    const report = await exportPartitions(pool, {
      fs: timedFs,
      ...(ticksOnly ? { tables: ['market_ticks'] } : {}),
    });
    const wall = performance.now() - started;
    console.log(`${run}: ${report.exported} partitions exported in ${Math.round(wall)} ms`);
    for (const [what, { ms, n }] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(
        `  ${what.padEnd(24)} ${String(Math.round(ms)).padStart(7)} ms  ${String(n).padStart(5)} x`,
      );
    }
  }
} finally {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
