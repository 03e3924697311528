// Times, one by one, the statements and file steps export-partitions runs for
// each day of market_ticks (1M ticks over 7 days, as `tradedb bench export`),
// to show where the layer's time goes next to a raw COPY. After `npm run build`:
//   node scripts/profile-export-steps.mjs
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dayBefore, insertTicksSql } from '../dist/src/bench/fixtures.js';
import { loadConfig, MigrationRunner, Pool } from '../dist/src/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-profile-export-'));
const { config } = await loadConfig({
  cwd: dir,
  noFile: true,
  env: {},
  overrides: [{ key: 'database_path', value: path.join(dir, 'db.duckdb'), flag: 'database' }],
});
const pool = await Pool.open({ config });
try {
  await new MigrationRunner({ pool }).up();
  await pool.withWriter((s) =>
    insertTicksSql(s, { rows: 1_000_000, symbols: 50, firstDay: dayBefore(7), days: 7 }),
  );
  const columns = (
    await pool.withReader((s) =>
      s.all(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'market_ticks' ORDER BY ordinal_position",
      ),
    )
  ).map((row) => `"${row.column_name}"`);
  const totals = {};
  const time = async (step, work) => {
    const started = performance.now();
    await work();
    totals[step] = (totals[step] ?? 0) + performance.now() - started;
  };
  await pool.withWriter((s) => s.run('CREATE TABLE profile_ledger (day VARCHAR)'));
  for (let offset = 7; offset >= 1; offset--) {
    const day = dayBefore(offset);
    const filter = `ts >= TIMESTAMPTZ '${day} 00:00:00+00' AND ts < TIMESTAMPTZ '${day} 00:00:00+00' + INTERVAL 1 DAY`;
    const file = path.join(dir, `${day}.parquet`);
    await pool.withReader(async (s) => {
      await time('fingerprint', () =>
        s.all(
          `SELECT count(*), min(ts), max(ts), CAST(sum(CAST(hash(${columns.join(', ')}) AS HUGEINT)) AS VARCHAR)
           FROM market_ticks WHERE ${filter}`,
        ),
      );
      await time('sorted COPY', () =>
        s.run(
          `COPY (SELECT * FROM market_ticks WHERE ${filter} ORDER BY symbol, ts) TO '${file}'
           (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
        ),
      );
      await time('read-back', () => s.all(`SELECT sum(num_rows) FROM parquet_file_metadata('${file}')`));
    });
    await time('fsync', async () => {
      const handle = await fs.promises.open(file, 'r');
      await handle.sync();
      await handle.close();
    });
    await time('sha256', async () => {
      const hash = createHash('sha256');
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk);
      hash.digest('hex');
    });
    await time('ledger commit', () =>
      pool.transaction((s) => s.run('INSERT INTO profile_ledger VALUES ($1)', [day])),
    );
  }
  for (const [step, ms] of Object.entries(totals)) console.log(`${step.padEnd(14)} ${Math.round(ms)} ms`);
} finally {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
