// Bulk tick append through MarketDataRepository.appendScaledTicks against the
// raw DataChunk loop (as `tradedb bench insert`), alternating, in wall and
// process CPU time, to see what the layer adds per tick. After `npm run build`:
//   node scripts/profile-ingest.mjs [rows] [rounds] [in|out]
//   node --cpu-prof --cpu-prof-dir=/tmp/ingest-prof scripts/profile-ingest.mjs 1000000 3 in layer
// The last argument (layer | raw) runs one side only, for a CPU profile of it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dayBefore, dayMicros } from '../dist/src/bench/fixtures.js';
import { appendRawTicks, scaledTicks } from '../dist/src/bench/ticks.js';
import { loadConfig, MarketDataRepository, MigrationRunner, Pool } from '../dist/src/index.js';

const [rows = 1_000_000, rounds = 3] = process.argv.slice(2, 4).map(Number);
const order = process.argv[4] ?? 'in';
const only = process.argv[5];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-profile-ingest-'));
const { config } = await loadConfig({
  cwd: dir,
  noFile: true,
  env: {},
  overrides: [{ key: 'database_path', value: path.join(dir, 'db.duckdb'), flag: 'database' }],
});
const pool = await Pool.open({ config });
try {
  await new MigrationRunner({ pool }).up();
  const market = new MarketDataRepository(pool);
  let seq = 0;
  const batch = () => {
    seq += rows;
    return { count: rows, symbols: 50, startMicros: dayMicros(dayBefore(1)), seqOffset: seq, order };
  };
  const sides = {
    layer: () => market.appendScaledTicks(scaledTicks(batch())),
    raw: () => pool.withWriter((session) => appendRawTicks(session.connection, batch())),
  };
  const names = only ? [only] : ['layer', 'raw'];
  const measured = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = -1; round < rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await sides[name]();
      const used = process.cpuUsage(cpu);
      if (round >= 0)
        measured[name].push({ ms: performance.now() - started, cpu: (used.user + used.system) / 1000 });
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  for (const name of names) {
    const ms = median(measured[name].map((run) => run.ms));
    const cpu = median(measured[name].map((run) => run.cpu));
    console.log(
      `${name}: ${Math.round(rows / (ms / 1000))} rows/s, ${Math.round(ms)} ms wall, ${Math.round(cpu)} ms CPU (median of ${rounds})`,
    );
  }
  if (!only) {
    const wall = (name) => median(measured[name].map((run) => run.ms));
    const cpu = (name) => median(measured[name].map((run) => run.cpu));
    console.log(
      `throughput layer/raw ${(wall('raw') / wall('layer')).toFixed(3)}x, CPU layer/raw ${(cpu('layer') / cpu('raw')).toFixed(3)}x`,
    );
  }
} finally {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
