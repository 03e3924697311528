import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import {
  type CliDatabase,
  cliDatabase,
  dbCounts,
  ledgerRows,
  parquetCount,
  partitionFile,
  snapshotTree,
  withCliPool,
} from '../integration/partitioning/fixture.js';

/** Hot (0), warm (3), cold (6) and expired (12) ticks relative to the real today. */
function setUp(): Promise<CliDatabase> {
  return cliDatabase([
    [0, 20],
    [3, 30],
    [6, 40],
    [12, 50],
  ]);
}

function counts(db: CliDatabase): Promise<Map<string, number>> {
  return withCliPool(db, (pool) => dbCounts(pool));
}

describe('tradedb export-partitions', () => {
  it('exports warm and cold partitions and prints one JSON object with per-partition results', async () => {
    const db = await setUp();
    const result = await cli(['export-partitions', '--json'], { cwd: db.dir, env: db.env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      exported: 2,
      failed: 0,
      rows_exported: 70,
      dry_run: false,
      directory: db.root,
    });
    expect(report.bytes_exported).toBeGreaterThan(0);
    expect(
      report.partitions.map((p: Record<string, unknown>) => [p['date'], p['action'], p['status'], p['rows']]),
    ).toEqual([
      [db.day(6), 'export', 'done', 40],
      [db.day(3), 'export', 'done', 30],
    ]);
    expect(Object.keys(report.partitions[0])).toEqual([
      'table',
      'date',
      'tier',
      'action',
      'status',
      'rows',
      'bytes',
      'duration_ms',
      'path',
      'reason',
      'error_code',
      'error',
    ]);
    const dbRows = await counts(db);
    await withCliPool(db, async (pool) => {
      for (const age of [3, 6]) {
        expect(await parquetCount(pool, partitionFile(db.root, 'market_ticks', db.day(age)))).toBe(
          dbRows.get(db.day(age)),
        );
      }
    });
  });

  it('writes nothing on a second run and says there is nothing to do', async () => {
    const db = await setUp();
    expect((await cli(['export-partitions'], { cwd: db.dir, env: db.env })).code).toBe(0);
    const files = snapshotTree(db.root);
    const ledger = await withCliPool(db, ledgerRows);
    const again = await cli(['export-partitions'], { cwd: db.dir, env: db.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('nothing to do');
    expect(snapshotTree(db.root)).toEqual(files);
    expect(await withCliPool(db, ledgerRows)).toEqual(ledger);
  });

  it('prints plain progress lines when stderr is not a terminal, a redrawn line when it is', async () => {
    const plain = await setUp();
    const cron = await cli(['export-partitions'], { cwd: plain.dir, env: plain.env });
    // The first partition and the end of the phase (and, on a long run, a line every few seconds).
    expect(cron.stderr).toContain(`export: 1/2 partitions, 40 rows`);
    expect(cron.stderr).toMatch(
      /export: 2\/2 partitions, \d+ rows, [\d.]+ kB \(last: market_ticks \d{4}-\d\d-\d\d done\)/,
    );
    expect(cron.stderr).not.toContain('\r');
    expect(cron.stdout).toContain(plain.day(3));

    const tty = await setUp();
    const terminal = await cli(['export-partitions'], { cwd: tty.dir, env: tty.env, tty: true });
    expect(terminal.code).toBe(0);
    // One bar for the run, redrawn in place: partitions, rows, bytes.
    expect(terminal.stderr).toContain('\r\x1b[2Kexport [##########----------] 1/2 partitions, 40 rows');
    expect(terminal.stderr).toMatch(/\r\x1b\[2Kexport \[#{20}\] 2\/2 partitions, \d+ rows, [\d.]+ kB/);
    expect(terminal.stderr).not.toContain('export:');
  });

  it('refuses --apply-retention without --yes when not interactive (exit 64) and changes nothing', async () => {
    const db = await setUp();
    const before = await counts(db);
    const result = await cli(['export-partitions', '--apply-retention'], { cwd: db.dir, env: db.env });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/refusing without --yes/);
    expect(result.stderr).toMatch(/40 database rows of 1 cold partition/);
    expect(await counts(db)).toEqual(before);
    expect(fs.existsSync(db.root)).toBe(false);
  });

  it('asks on a terminal and changes nothing when the answer is no', async () => {
    const db = await setUp();
    const questions: string[] = [];
    const result = await cli(['export-partitions', '--apply-retention'], {
      cwd: db.dir,
      env: db.env,
      tty: true,
      confirm: async (question) => {
        questions.push(question);
        return false;
      },
    });
    expect(result.code).toBe(130);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(
      /^delete 40 database rows of 1 cold partition.*1 expired partition\(s\): 50 database rows/,
    );
    expect(fs.existsSync(db.root)).toBe(false);
  });

  it('prints the plan on --dry-run, naming what would be deleted, and changes nothing', async () => {
    const db = await setUp();
    const before = await counts(db);
    const result = await cli(['export-partitions', '--apply-retention', '--dry-run', '--json'], {
      cwd: db.dir,
      env: db.env,
    });
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.dry_run).toBe(true);
    expect(
      plan.partitions.map((p: Record<string, unknown>) => [p['date'], p['action'], p['status'], p['rows']]),
    ).toEqual([
      [db.day(6), 'export', 'planned', 40],
      [db.day(3), 'export', 'planned', 30],
      [db.day(12), 'expire', 'planned', 50],
      [db.day(6), 'retire', 'planned', 40],
    ]);
    expect(await counts(db)).toEqual(before);
    expect(fs.existsSync(db.root)).toBe(false);
    expect(await withCliPool(db, ledgerRows)).toEqual([]);

    const table = await cli(['export-partitions', '--apply-retention', '--dry-run'], {
      cwd: db.dir,
      env: db.env,
    });
    expect(table.stdout).toMatch(new RegExp(`${db.day(12)}.*expired.*expire.*50`));
    expect(table.stdout).toContain(`date=${db.day(6)}`);
    expect(table.stderr).toContain('dry run: nothing was changed');
  });

  it('with --apply-retention --yes deletes the cold and expired rows, keeps hot and warm ones', async () => {
    const db = await setUp();
    const result = await cli(['export-partitions', '--apply-retention', '--yes', '--json'], {
      cwd: db.dir,
      env: db.env,
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ exported: 2, retired: 1, expired: 1, rows_deleted: 90 });
    expect([...(await counts(db)).entries()].sort()).toEqual(
      [
        [db.day(0), 20],
        [db.day(3), 30],
      ].sort(),
    );
  });

  it('writes under --out, resolved against the working directory', async () => {
    const db = await setUp();
    const result = await cli(['export-partitions', '--out', 'elsewhere', '--table', 'market_ticks'], {
      cwd: db.dir,
      env: db.env,
    });
    expect(result.code).toBe(0);
    expect(fs.existsSync(partitionFile(path.join(db.dir, 'elsewhere'), 'market_ticks', db.day(3)))).toBe(
      true,
    );
    expect(fs.existsSync(db.root)).toBe(false);
  });

  it('exports the other partitions and exits 74 when one partition cannot be written', async () => {
    const db = await setUp();
    // A plain file where the warm day's folder belongs: writing into it fails (ENOTDIR).
    fs.mkdirSync(path.join(db.root, 'market_ticks'), { recursive: true });
    fs.writeFileSync(path.join(db.root, 'market_ticks', `date=${db.day(3)}`), 'in the way');
    const result = await cli(['export-partitions', '--json'], { cwd: db.dir, env: db.env });
    expect(result.code).toBe(74);
    const report = JSON.parse(result.stdout);
    expect(
      report.partitions.map((p: Record<string, unknown>) => [p['date'], p['status'], p['error_code']]),
    ).toEqual([
      [db.day(6), 'done', null],
      [db.day(3), 'failed', 'IO'],
    ]);
    expect(result.stderr).toMatch(/error: 1 of 2 partition steps failed; first: export market_ticks/);
    expect(
      fs.readdirSync(path.join(db.root, 'market_ticks')).filter((name) => name.startsWith('_s')),
    ).toEqual([]);
  });

  it.each([
    [['--table', 'positions'], /--table positions: not a time-partitioned table/],
    [['--from', '2026-02-30'], /--from 2026-02-30: not a date/],
    [['--from', '2026-03-02', '--to', '2026-03-01'], /--from 2026-03-02 is after --to 2026-03-01/],
    [['--bogus'], /unknown option/],
  ])('rejects %j with exit 64 before touching the database', async (args, message) => {
    const db = await setUp();
    const result = await cli(['export-partitions', ...args], { cwd: db.dir, env: db.env });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(message);
    expect(fs.existsSync(db.root)).toBe(false);
  });
});
