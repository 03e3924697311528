import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { BIN, ROOT, spawnBin, spawnScriptFile } from '../helpers/bin.js';
import { testConfig } from '../helpers/config.js';
import { suiteDir } from '../helpers/temp.js';

let cwd: string;
let database: string;

beforeAll(async () => {
  cwd = suiteDir();
  database = path.join(cwd, 'bin.duckdb');
  const pool = await Pool.open({ config: await testConfig({ database_path: database }) });
  await pool.withWriter((db) =>
    db.run(
      "CREATE TABLE t AS SELECT '2026-01-02 03:04:05.123456+00'::TIMESTAMPTZ AS at, 1.5::DECIMAL(18,8) AS d",
    ),
  );
  await pool.close();
});

describe('the built bin', () => {
  it.each([
    ['--version', false],
    ['--help', false],
    ['-h', false],
  ])('%s loads neither DuckDB nor ink nor prom-client (commander: %s)', async (flag, commander) => {
    const log = path.join(cwd, `imports${flag}.log`);
    const hook = path.join(ROOT, 'test', 'fixtures', 'log-imports.mjs');
    const run = spawnBin([flag], { cwd, env: { IMPORT_LOG: log, NODE_OPTIONS: `--import=${hook}` } });
    const finished = await run.done;
    expect(finished.code).toBe(0);
    expect(finished.stdout).toMatch(flag === '--version' ? /^\d+\.\d+\.\d+\n$/ : /Commands:/);
    const loaded = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    expect(loaded.includes('commander')).toBe(commander);
    // No library code: it would bring DuckDB and the config loader with it.
    expect(loaded).not.toMatch(/@duckdb|\/ink\/|prom-client|@opentelemetry|cosmiconfig/);
  });

  it('prints, for --help, exactly the help the CLI renders itself', async () => {
    const fast = await spawnBin(['--help'], { cwd }).done;
    const rendered = await spawnBin(['--help'], { cwd, env: { TRADEDB_RENDER_HELP: '1' } }).done;
    expect(fast.stdout).toContain('Commands:');
    expect(fast.stdout).toBe(rendered.stdout);
  });

  it('does not crash when the reader of stdout goes away (| head)', () => {
    const out = execFileSync(
      'bash',
      [
        '-c',
        `set -o pipefail; node "${BIN}" query sql "SELECT range AS n FROM range(2000000)" --format csv --database "${database}" | head -n 2; echo "status=\${PIPESTATUS[0]}"`,
      ],
      { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(out).toBe('n\r\n0\r\nstatus=0\n');
  });

  it('prints timestamps in UTC with microseconds whatever TZ says', async () => {
    const run = await spawnBin(['query', 'sql', 'SELECT * FROM t', '--json', '--database', database], {
      cwd,
      env: { TZ: 'Asia/Kolkata' },
    }).done;
    expect(JSON.parse(run.stdout)).toEqual([{ at: '2026-01-02T03:04:05.123456Z', d: '1.50000000' }]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('interrupts a long query on %s and exits %i', async (signal, code) => {
    const run = spawnBin(
      ['query', 'sql', 'SELECT count(*) FROM range(1000000000000)', '--database', database],
      {
        cwd,
        env: { TRADEDB_POOL_QUERY_TIMEOUT_MS: '0' },
      },
    );
    // Give it time to load and start the query; the signal must interrupt the statement, not the start-up.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    run.child.kill(signal);
    const finished = await run.done;
    expect(finished.code).toBe(code);
    expect(finished.stderr).toContain(`interrupted by ${signal}`);
  });

  it('colours nothing when stdout is not a terminal', async () => {
    const run = await spawnBin(['config'], { cwd, env: { FORCE_COLOR: '' } }).done;
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });

  it.each([
    ['sized like the launcher', 'short', '1'],
    ["with libuv's default of 4 threads", 'long', '0'],
  ])('with six long readers running, %s, the first query done is the %s one', async (_how, first, sized) => {
    const env: Record<string, string> = { SIZE_LIKE_LAUNCHER: sized };
    const run = await spawnScriptFile(path.join(ROOT, 'test', 'fixtures', 'starvation.cjs'), { cwd, env })
      .done;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toBe(first);
  });
});
