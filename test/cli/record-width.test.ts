import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';

let cwd: string;
let env: Record<string, string>;

beforeAll(async () => {
  cwd = suiteDir('tradedb-record-width-');
  env = {
    // A deep folder: paths are the longest values these records hold.
    TRADEDB_DATABASE_PATH: path.join(cwd, 'a-rather-long-folder-name', 'trading.duckdb'),
    TRADEDB_BACKUP_DIRECTORY: path.join(cwd, 'a-rather-long-folder-name', 'backups'),
    COLUMNS: '80',
  };
  const seeded = await run(
    'seed',
    '--symbols',
    '2',
    '--days',
    '3',
    '--ticks-per-day',
    '24',
    '--orders',
    '20',
  );
  expect(seeded.code, seeded.stderr).toBe(0);
  expect((await run('backup')).code).toBe(0);
  expect((await run('backup')).code).toBe(0);
});

function run(...argv: string[]) {
  return cli(argv, { cwd, env });
}

function tooLong(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 80);
}

describe('records and lists fit an 80-column terminal (COLUMNS=80)', () => {
  it.each([
    [['seed', '--append', '--days', '1', '--orders', '2']],
    [['backup']],
    [['backup', 'list']],
    [['backup', 'verify', 'latest']],
    [['backup', 'prune', '--keep', '1', '--dry-run']],
    [['restore', 'latest', '--dry-run', '--to', 'restored.duckdb']],
    [['query', 'order', 'seed-b1-0000001']],
    [['migrate', 'status']],
    [['partitions']],
    [['config']],
    [['stats']],
  ])('%j', async (argv) => {
    const result = await run(...argv);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(0);
    expect(tooLong(result.stdout)).toEqual([]);
    // Key/value lines, not JSON squeezed into a cell.
    expect(result.stdout).not.toMatch(/[[{]"/);
  });

  it('shows a nested list as its own small table and names the fields it leaves out', async () => {
    const result = await run('backup', 'prune', '--keep', '1', '--dry-run');
    expect(result.stdout).toMatch(/^items \(\d+\)$/m);
    expect(result.stdout).toMatch(/^ {2}┌/m);
    expect(result.stdout).toMatch(/^would_delete +\S+-file(, \S+-file)*$/m);
  });

  it('keeps every field with --json', async () => {
    const result = await run('backup', 'prune', '--keep', '1', '--dry-run', '--json');
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed.items[0]).sort()).toEqual(
      expect.arrayContaining(['action', 'created_at', 'name', 'reason', 'size_bytes']),
    );
    const list = JSON.parse((await run('backup', 'list', '--json')).stdout);
    expect(Object.keys(list[0])).toContain('path');
  });
});
