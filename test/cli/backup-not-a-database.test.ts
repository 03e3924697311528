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
