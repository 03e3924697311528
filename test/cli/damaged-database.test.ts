import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * A database whose block fails DuckDB's checksum: what a kill or a power cut
 * inside DuckDB's in-place rewrite of a metadata block leaves (a torn write),
 * made here by changing one byte inside the file's first block. Every
 * command says the file is damaged (exit 65, not DuckDB's I/O wording),
 * changes nothing, and points at the one remedy, a restore, which works.
 */
describe('a damaged database file', () => {
  it('is named as damaged with the restore to run, and restore replaces it, keeping the damaged file', async () => {
    const dir = tempDir('tradedb-damaged-');
    const database = path.join(dir, 'trading.duckdb');
    const backups = path.join(dir, 'backups');
    const env = { TRADEDB_DATABASE_PATH: database, TRADEDB_BACKUP_DIRECTORY: backups };
    const run = (args: string[]) => cli(args, { cwd: dir, env });
    expect((await run(['migrate', 'up'])).code).toBe(0);
    expect((await run(['backup'])).code).toBe(0);
    // One byte inside block 0 (DuckDB's blocks start after its three 4 KiB headers), past the block's checksum.
    const fd = fs.openSync(database, 'r+');
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, 3 * 4096 + 100);
    byte[0] = byte[0]! ^ 0xff;
    fs.writeSync(fd, byte, 0, 1, 3 * 4096 + 100);
    fs.closeSync(fd);
    const damaged = sha256(database);

    for (const args of [['query', 'orders'], ['stats', '--json'], ['migrate', 'up'], ['backup']]) {
      const result = await run(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(65);
      expect(result.stderr).toContain(`${database} is damaged: Corrupt database file`);
      expect(result.stderr).toContain('tradedb restore latest --force --yes');
      expect(sha256(database)).toBe(damaged);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['backups', 'trading.duckdb']);

    const restored = await run(['restore', 'latest', '--force', '--yes', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    const previous = JSON.parse(restored.stdout).previous_path as string;
    expect(sha256(previous)).toBe(damaged);
    const orders = await run(['query', 'orders', '--json']);
    expect(orders.code, orders.stderr).toBe(0);
  });
});
