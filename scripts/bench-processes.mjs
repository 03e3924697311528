#!/usr/bin/env node
// Whole-process wall times, alternating the layer and its raw baseline in one
// run: `tradedb --version` / `--help` against `node -e 0`, and
// `tradedb query sql` against a raw @duckdb/node-api script doing the same
// on a small database. Prints medians and ratios as JSON.
//   node scripts/bench-processes.mjs [runs=15]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'tradedb.cjs');
const runs = Number(process.argv[2] ?? 15);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-bench-'));
const database = path.join(dir, 'small.duckdb');

spawnSync(process.execPath, [
  '--input-type=module',
  '-e',
  `const { DuckDBInstance } = await import(${JSON.stringify(path.join(root, 'node_modules/@duckdb/node-api/lib/index.js'))});
   const i = await DuckDBInstance.create(${JSON.stringify(database)}); const c = await i.connect();
   await c.run('CREATE TABLE t AS SELECT range AS id, range::VARCHAR AS v FROM range(1000)');
   c.closeSync(); i.closeSync();`,
]);

const rawQuery = path.join(dir, 'raw-query.mjs');
fs.writeFileSync(
  rawQuery,
  `const { DuckDBInstance } = await import(${JSON.stringify(path.join(root, 'node_modules/@duckdb/node-api/lib/index.js'))});
const instance = await DuckDBInstance.create(process.argv[2], { access_mode: 'READ_ONLY' });
const connection = await instance.connect();
const reader = await connection.runAndReadAll('SELECT * FROM t WHERE id = 7');
process.stdout.write(JSON.stringify(reader.getRowObjectsJson()) + '\\n');
connection.closeSync();
instance.closeSync();
`,
);

const cases = {
  node: [process.execPath, ['-e', '0']],
  version: [process.execPath, [bin, '--version']],
  help: [process.execPath, [bin, '--help']],
  raw_query: [process.execPath, [rawQuery, database]],
  query_sql: [
    process.execPath,
    [bin, 'query', 'sql', 'SELECT * FROM t WHERE id = 7', '--json', '--database', database],
  ],
};

const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let run = 0; run < runs + 2; run++) {
  for (const [name, [command, args]] of Object.entries(cases)) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
    if (run >= 2) times[name].push(ms); // two warm-up rounds
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const m = Object.fromEntries(
  Object.entries(times).map(([name, values]) => [name, Math.round(median(values) * 10) / 10]),
);
const ratio = (a, b) => Math.round((m[a] / m[b]) * 100) / 100;
process.stdout.write(
  `${JSON.stringify(
    {
      runs,
      median_ms: m,
      ratios: {
        version_vs_node: { ratio: ratio('version', 'node'), budget: 1.5 },
        help_vs_node: { ratio: ratio('help', 'node'), budget: 1.5 },
        query_sql_vs_raw: { ratio: ratio('query_sql', 'raw_query'), budget: 1.3 },
      },
    },
    null,
    2,
  )}\n`,
);
fs.rmSync(dir, { recursive: true, force: true });
