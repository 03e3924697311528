import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnBin } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { fillUp, smallFileSystem } from '../helpers/small-fs.js';
import { suiteDir, tempDir } from '../helpers/temp.js';

/**
 * A result that could not be written is not a success: stdout on /dev/full
 * or on a full file system ends every output format, and every command
 * that prints rows or a report, with exit 74 and a message on stderr.
 * Real processes, since what fails is the process's own file descriptor.
 */
let cwd: string;
let database: string;

beforeAll(async () => {
  cwd = suiteDir('tradedb-output-');
  database = path.join(cwd, 'trading.duckdb');
  const seeded = await cli(
    [
      'seed',
      '--symbols',
      '2',
      '--days',
      '2',
      '--ticks-per-day',
      '50',
      '--orders',
      '30',
      '--database',
      database,
    ],
    { cwd },
  );
  expect(seeded.code, seeded.stderr).toBe(0);
}, 120_000);

/** More than 1 MiB in any format: enough to overflow the small file system by itself. */
const BIG_SQL = "SELECT range AS n, repeat('x', 100) AS filler FROM range(12000)";

const COMMANDS: Record<string, string[]> = {
  'query sql --format table': ['query', 'sql', BIG_SQL, '--format', 'table'],
  'query sql --format csv': ['query', 'sql', BIG_SQL, '--format', 'csv'],
  'query sql --format ndjson': ['query', 'sql', BIG_SQL, '--format', 'ndjson'],
  'query sql --format json': ['query', 'sql', BIG_SQL, '--format', 'json'],
  stats: ['stats'],
  'stats --json': ['stats', '--json'],
  'query orders': ['query', 'orders'],
  'query ticks --json': ['query', 'ticks', '--symbol', 'BTC-USD', '--json'],
  'migrate status': ['migrate', 'status'],
};

async function runTo(file: string, argv: string[]) {
  const fd = fs.openSync(file, 'w');
  try {
    return await spawnBin([...argv, '--database', database], { cwd, stdout: fd }).done;
  } finally {
    fs.closeSync(fd);
  }
}

const NO_SPACE = /error: cannot write to stdout: no space left on device/;

describe('stdout that cannot be written', () => {
  it.for(Object.entries(COMMANDS))('%s > /dev/full: exit 74 and a message', async ([, argv]) => {
    const result = await runTo('/dev/full', argv);
    expect(result.code, result.stderr).toBe(74);
    expect(result.stderr).toMatch(NO_SPACE);
    expect(result.stderr).toMatch(/hint: what was written to stdout is incomplete/);
  });

  it.for(Object.entries(COMMANDS))(
    '%s onto a full file system: exit 74 and a message',
    async ([, argv], context) => {
      const small = smallFileSystem(path.join(tempDir('tradedb-output-fs-'), 'small'), '1m', context);
      fillUp(small, 0);
      const result = await runTo(path.join(small, 'out.txt'), argv);
      expect(result.code, result.stderr).toBe(74);
      expect(result.stderr).toMatch(NO_SPACE);
    },
  );

  it('a CSV larger than the file system: cut where the disk filled, exit 74, not a green exit', async (context) => {
    const small = smallFileSystem(path.join(tempDir('tradedb-output-fs-'), 'small'), '1m', context);
    const file = path.join(small, 'out.csv');
    const result = await runTo(file, COMMANDS['query sql --format csv']!);
    expect(result.code, result.stderr).toBe(74);
    expect(result.stderr).toMatch(NO_SPACE);
    // Every byte the file system had room for was written: a short write is retried, not dropped.
    expect(fs.statSync(file).size).toBeGreaterThan(1_000_000);
  });

  it('--json also describes the failure as a DISK_FULL error object on stderr', async () => {
    const result = await runTo('/dev/full', ['stats', '--json']);
    expect(result.code).toBe(74);
    const line = result.stderr.split('\n').find((text) => text.startsWith('{'));
    expect(JSON.parse(line!).error).toMatchObject({ code: 'DISK_FULL', retryable: false });
  });

  it('--help and --version, answered by the launcher, are held to the same rule', async () => {
    for (const argv of [['--help'], ['--version'], ['query', '--help']]) {
      const result = await runTo('/dev/full', argv);
      expect(result.code, argv.join(' ')).toBe(74);
      expect(result.stderr).toMatch(/cannot write to stdout/);
    }
  });

  it('stderr that cannot be written fails a command that succeeded: exit 74', async () => {
    const fd = fs.openSync('/dev/full', 'w');
    try {
      // `query orders` says on stderr how many rows it printed.
      const child = spawnBin(['query', 'orders', '--database', database], { cwd, stdout: fd, stderr: fd });
      expect((await child.done).code).toBe(74);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('a reader that leaves early', () => {
  it.for(Object.entries(COMMANDS))('%s | head -c 1: exit 0, nothing on stderr about it', async ([, argv]) => {
    const child = spawnBin([...argv, '--database', database], { cwd });
    child.child.stdout!.once('data', () => child.child.stdout!.destroy());
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/error/);
  });
});
