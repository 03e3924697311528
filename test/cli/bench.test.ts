import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// The whole-process timings of `bench process` and `bench live` start the built CLI.
const SCENARIOS = ['insert', 'query', 'concurrent', 'export', 'backup', 'process', 'live'];
/** The eight budgets, by the ratio each one sets. */
const BUDGET_COUNT = 8;

interface Result {
  scenario: string;
  metric: string;
  layer: number | null;
  baseline: number | null;
  ratio: number | null;
  budget: { op: string; ratio: number } | null;
  pass: boolean | null;
  note?: string;
}

/** Bench runs in a folder of their own, so that a leftover bench folder is visible. */
function benchEnv(tmp: string): Record<string, string> {
  return { TMPDIR: tmp };
}

describe('tradedb bench', () => {
  it('runs every scenario with --quick and reports layer, baseline, ratio and budget for each number', async () => {
    const cwd = tempDir();
    const tmp = tempDir('tradedb-bench-tmp-');
    // Every scenario, at the smallest sizes the options allow: this checks the shape of the report
    // and that both sides of every ratio were measured, not the numbers.
    const run = await cli(
      ['bench', 'all', '--quick', '--rows', '1000', '--symbols', '2', '--duration', '0.2', '--json'],
      {
        cwd,
        env: benchEnv(tmp),
      },
    );
    expect(run.stderr).not.toMatch(/^error:/m);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);

    expect(report.scenarios.map((scenario: { scenario: string }) => scenario.scenario)).toEqual(SCENARIOS);
    expect(report.hardware).toMatchObject({
      cpu_model: expect.any(String),
      cpu_cores: expect.any(Number),
      memory_bytes: expect.any(Number),
      disk: { total_bytes: expect.any(Number), free_bytes: expect.any(Number) },
      node: process.version,
      duckdb: expect.stringMatching(/^v\d/),
      tradedb: expect.any(String),
    });
    const results = report.results as Result[];
    for (const scenario of SCENARIOS) {
      expect(results.filter((item) => item.scenario === scenario).length).toBeGreaterThan(0);
    }
    for (const item of results) {
      expect(Object.keys(item)).toEqual(
        expect.arrayContaining(['layer', 'baseline', 'ratio', 'budget', 'pass']),
      );
      // In-process scenarios always measure both sides; a whole process may only be skipped with a reason.
      const wholeProcess = item.scenario === 'process' || item.scenario === 'live';
      if (!wholeProcess || item.note === undefined || !/^(skipped|failed)/.test(item.note)) {
        expect([item.metric, typeof item.layer, typeof item.baseline, typeof item.ratio]).toEqual([
          item.metric,
          'number',
          'number',
          'number',
        ]);
      }
    }
    // The many-partition export: the layer against raw partitioned COPYs, its bookkeeping, a second run.
    const many = results.filter((item) => /^export \d+ days x 5 tables/.test(item.metric));
    expect(many.map((item) => item.metric.replace(/^.*partitions\)/, ''))).toEqual([
      '',
      ', process CPU time',
      ' vs its own COPYs',
      ': bookkeeping per partition',
      ': second run, nothing new',
    ]);
    expect(many[0]!.budget).toMatchObject({ op: '<=', ratio: 1.5 });
    expect(
      report.scenarios.find((item: { scenario: string }) => item.scenario === 'export').details,
    ).toMatchObject({ many_days: 3, many_partitions: 15 });
    // Live operation: a service in a child process, the operator's commands through its endpoint.
    expect(
      results.filter((item) => item.scenario === 'live').map((item) => [item.metric, item.budget?.ratio]),
    ).toEqual([
      ['query order <id> --json through a live endpoint, p50', 0.35],
      ['query order <id> --json through a live endpoint, p99', undefined],
      ['query order <id> --json through a live endpoint against node -e 0, p50', undefined],
      ['service append p99 during backup --method file', undefined],
      ['longest service write stall during backup --method file', undefined],
      ['backup --method file through the endpoint, service appending', 1.5],
      ['service append p99 during export-partitions', undefined],
      ['service ingest rate during export-partitions', undefined],
    ]);
    const budgets = results.filter((item) => item.budget !== null);
    expect(new Set(budgets.map((item) => item.metric)).size).toBeGreaterThanOrEqual(BUDGET_COUNT);
    expect(fs.readdirSync(tmp)).toEqual([]);
  }, 180_000);

  it('prints a table per scenario, writes it between the markers of --markdown, and keeps the folder with --keep', async () => {
    const cwd = tempDir();
    const tmp = tempDir('tradedb-bench-tmp-');
    const doc = path.join(cwd, 'BENCH.md');
    fs.writeFileSync(
      doc,
      '# Numbers\n\n<!-- tradedb-bench:begin -->\nold\n<!-- tradedb-bench:end -->\n\nprose after\n',
    );
    const run = await cli(
      ['bench', 'insert', '--quick', '--rows', '2000', '--keep', '--markdown', 'BENCH.md'],
      {
        cwd,
        env: benchEnv(tmp),
      },
    );
    expect(run.code).toBe(0);
    const text = fs.readFileSync(doc, 'utf8');
    expect(text).toMatch(
      /^# Numbers\n\n<!-- tradedb-bench:begin -->\nGenerated by `tradedb bench insert --quick`/,
    );
    expect(text).toContain('bulk tick append');
    expect(text).not.toContain('old');
    expect(text).toMatch(/<!-- tradedb-bench:end -->\n\nprose after\n$/);
    expect(run.stdout).toMatch(/^insert \(/m);
    expect(run.stdout).toMatch(/│ metric +│ unit +│ +layer │ baseline │ +ratio │ budget +│ pass │/);
    expect(run.stdout).toMatch(/bulk tick append .*>= 0\.90x/);
    const kept = fs.readdirSync(tmp);
    expect(kept).toHaveLength(1);
    expect(run.stderr).toContain(`bench folder kept: ${path.join(tmp, kept[0]!)}`);
    expect(fs.existsSync(path.join(tmp, kept[0]!, 'insert.duckdb'))).toBe(true);
    // Not a terminal: no progress line.
    expect(run.stderr).not.toContain('\r');
  }, 120_000);

  it('draws progress on stderr only when it is a terminal', async () => {
    const cwd = tempDir();
    const tmp = tempDir('tradedb-bench-tmp-');
    const run = await cli(['bench', 'insert', '--quick', '--rows', '1000'], {
      cwd,
      env: benchEnv(tmp),
      tty: true,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\r\u001b\[2Kbench \[1\/1\] insert: bulk append/);
    expect(run.stdout).toContain('bulk tick append');
  }, 120_000);

  it('refuses --database without --yes (exit 64) and writes nothing', async () => {
    const cwd = tempDir();
    const tmp = tempDir('tradedb-bench-tmp-');
    const database = path.join(cwd, 'trading.duckdb');
    const run = await cli(['bench', 'insert', '--quick', '--database', database], {
      cwd,
      env: benchEnv(tmp),
    });
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/^error: .*refusing without --yes/m);
    expect(fs.existsSync(database)).toBe(false);
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('with --database and --yes runs on that file and deletes its own rows afterwards', async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'trading.duckdb');
    const run = await cli(['bench', 'insert', '--quick', '--rows', '1000', '--database', database, '--yes'], {
      cwd,
    });
    expect(run.code).toBe(0);
    const count = async (sql: string) =>
      JSON.parse((await cli(['query', 'sql', sql, '--database', database, '--json'], { cwd })).stdout);
    expect(await count('SELECT count(*) AS n FROM market_ticks')).toEqual([{ n: 0 }]);
    expect(await count('SELECT count(*) AS n FROM orders')).toEqual([{ n: 0 }]);
    // The bench folder sat beside the database and is gone.
    expect(fs.readdirSync(cwd).filter((name) => name.startsWith('.tradedb-bench-'))).toEqual([]);
  }, 120_000);

  it('rejects an unknown scenario and a bad size as usage errors', async () => {
    const cwd = tempDir();
    expect((await cli(['bench', 'everything'], { cwd })).code).toBe(64);
    const rows = await cli(['bench', 'insert', '--rows', 'many'], { cwd });
    expect(rows.code).toBe(64);
    expect(rows.stderr).toMatch(/--rows "many"/);
  });
});
