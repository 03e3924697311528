import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('tradedb backup of a file that is not a database', () => {
  it.each([
    ['a text file', 'notes.txt', 'hello, not a database\n', 'file'],
    ['a text file (export method)', 'notes.txt', 'hello, not a database\n', 'export'],
    ['an empty file', 'empty.duckdb', '', 'file'],
  ])('exits 65 for %s and creates no backup folder', async (_what, name, content, method) => {
    const dir = tempDir('tradedb-backup-not-db-');
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    const out = path.join(dir, 'backups');
    const result = await cli(['backup', '--database', file, '--method', method, '--out', out], { cwd: dir });
    expect(result.code).toBe(65);
    expect(result.stderr).toContain(`${file} is not a DuckDB database`);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });
});

/**
 * Any other command on such a file says the same (exit 65, naming the file)
 * rather than DuckDB's I/O wording (74), and changes nothing: an empty file
 * is what a command killed while DuckDB created the database used to leave.
 */
describe('commands on a database path that holds no database', () => {
  it.each([
    [['query', 'orders'], ''],
    [['migrate', 'up'], ''],
    [['stats', '--json'], 'hello, not a database\n'],
  ])('%j exits 65 naming the file, with what to do, and leaves it as it was', async (args, content) => {
    const dir = tempDir('tradedb-not-db-');
    const file = path.join(dir, 'trading.duckdb');
    fs.writeFileSync(file, content);
    const result = await cli([...args, '--database', file], { cwd: dir });
    expect(result.code, result.stderr).toBe(65);
    expect(result.stderr).toContain(`${file} is not a DuckDB database`);
    expect(result.stderr).toContain('restore a backup');
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
    expect(fs.readdirSync(dir)).toEqual(['trading.duckdb']);
  });
});
