import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../src/admin.js';
import type { TradeDbConfig } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';
import { configIn, flipByte, forgeStorageVersion, seedDatabase } from '../integration/backup/fixtures.js';

let dir: string;
let config: TradeDbConfig;
const sound: Record<string, string> = {};

/** Each fault damages a private copy of a sound backup and names the file the error must name. */
const FAULTS: Array<{ fault: string; method: 'file' | 'export'; damage: (backupDir: string) => string }> = [
  {
    fault: 'a flipped byte',
    method: 'file',
    damage: (b) => {
      flipByte(path.join(b, 'database.duckdb'), 5000);
      return 'database.duckdb';
    },
  },
  {
    fault: 'a truncated file',
    method: 'export',
    damage: (b) => {
      fs.truncateSync(path.join(b, 'data', 'trades.parquet'), 10);
      return 'data/trades.parquet';
    },
  },
  {
    fault: 'a missing file',
    method: 'export',
    damage: (b) => {
      fs.rmSync(path.join(b, 'data', 'schema.sql'));
      return 'data/schema.sql';
    },
  },
  {
    fault: 'an extra file',
    method: 'file',
    damage: (b) => {
      fs.writeFileSync(path.join(b, 'database.duckdb.wal'), 'not part of the backup');
      return 'database.duckdb.wal';
    },
  },
  {
    fault: 'a corrupt manifest',
    method: 'file',
    damage: (b) => {
      fs.writeFileSync(path.join(b, 'manifest.json'), '{"format":"tradedb-backup/1","method":"file"}');
      return 'manifest.json';
    },
  },
  {
    fault: 'a newer storage version',
    method: 'file',
    damage: (b) => {
      forgeStorageVersion(b, 70);
      return 'database.duckdb';
    },
  },
];

beforeAll(async () => {
  dir = suiteDir();
  config = await configIn(dir);
  await seedDatabase(config, 40);
  for (const method of ['file', 'export'] as const) sound[method] = (await backup({ config, method })).path;
});

describe('a damaged backup', () => {
  FAULTS.forEach(({ fault, method, damage }, index) => {
    it(`with ${fault}: verify and restore exit 65 naming the file`, async () => {
      const copy = path.join(dir, `damaged-${index}`, path.basename(sound[method]!));
      fs.cpSync(sound[method]!, copy, { recursive: true });
      const file = damage(copy);
      const env = { TRADEDB_DATABASE_PATH: config.database_path };
      const verified = await cli(['backup', 'verify', copy], { cwd: dir, env });
      expect(verified.code).toBe(65);
      expect(verified.stderr).toContain(file);
      const target = path.join(dir, `restored-${index}.duckdb`);
      const restored = await cli(['restore', copy, '--to', target], { cwd: dir, env });
      expect(restored.code).toBe(65);
      expect(restored.stderr).toContain(file);
      expect(fs.readdirSync(dir).filter((name) => name.includes(`restored-${index}`))).toEqual([]);
    });
  });
});
