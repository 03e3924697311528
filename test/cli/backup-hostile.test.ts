import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../src/admin.js';
import type { TradeDbConfig } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { suiteDir, tempDir } from '../helpers/temp.js';
import { configIn, rehash, seedDatabase } from '../integration/backup/fixtures.js';

let dir: string;
let config: TradeDbConfig;
let sound: string;

beforeAll(async () => {
  dir = suiteDir('tradedb-backup-hostile-');
  config = await configIn(dir);
  await seedDatabase(config, 40);
  sound = (await backup({ config, method: 'export' })).path;
});

/**
 * Each attack edits schema.sql or load.sql of a copy of a sound export
 * backup and fixes the manifest's size and sha256 for it, as anyone who can
 * write the backup folder can: the manifest is not signed.
 */
const ATTACKS: ReadonlyArray<{
  name: string;
  file: 'schema.sql' | 'load.sql';
  edit: (text: string, pwned: string) => string;
  refused: RegExp;
}> = [
  {
    name: 'a COPY TO appended to schema.sql',
    file: 'schema.sql',
    edit: (text, pwned) => `${text}COPY (SELECT 'owned') TO '${pwned}' (FORMAT csv);\n`,
    refused: /schema\.sql line \d+: refused "COPY \(SELECT 'owned'\) TO/,
  },
  {
    name: 'a second statement hidden on a CREATE line',
    file: 'schema.sql',
    edit: (text, pwned) => text.replace(/;;\n/, `; COPY (SELECT 'owned') TO '${pwned}' (FORMAT csv);;\n`),
    refused: /schema\.sql line 1: refused .*2 statements/,
  },
  {
    name: 'INSTALL and ATTACH in schema.sql',
    file: 'schema.sql',
    edit: (text, pwned) => `INSTALL httpfs;\nATTACH '${pwned}' AS x;\n${text}`,
    refused: /schema\.sql line 1: refused "INSTALL httpfs"/,
  },
  {
    name: 'a COPY TO in load.sql',
    file: 'load.sql',
    edit: (text, pwned) => `COPY trades TO '${pwned}' (FORMAT csv);\n${text}`,
    refused: /load\.sql line 1: refused "COPY trades TO/,
  },
  {
    name: 'a load from a file outside the backup',
    file: 'load.sql',
    edit: (text) => text.replace(/FROM '[^']*trades\.parquet'/, "FROM '/etc/passwd'"),
    refused: /load\.sql line \d+: refused .*file passwd is not a data file of this backup/,
  },
  {
    name: 'a load with a foreign option',
    file: 'load.sql',
    edit: (text) => text.replace("COMPRESSION 'zstd')", "COMPRESSION 'zstd', FILENAME true)"),
    refused: /option "FILENAME" is not one EXPORT DATABASE writes/,
  },
];

describe('a backup whose SQL was tampered with', () => {
  it.each(ATTACKS)('with $name: verify --deep and restore exit 65 and run nothing', async (attack) => {
    const work = tempDir('tradedb-hostile-');
    const copy = path.join(work, path.basename(sound));
    fs.cpSync(sound, copy, { recursive: true });
    const pwned = path.join(work, 'PWNED.txt');
    const sqlFile = path.join(copy, 'data', attack.file);
    fs.writeFileSync(sqlFile, attack.edit(fs.readFileSync(sqlFile, 'utf8'), pwned));
    rehash(copy, `data/${attack.file}`);
    const env = { TRADEDB_DATABASE_PATH: config.database_path };

    // The shallow check only compares bytes with the manifest, which was fixed up: it cannot tell.
    expect((await cli(['backup', 'verify', copy], { cwd: work, env })).code).toBe(0);

    const deep = await cli(['backup', 'verify', copy, '--deep'], { cwd: work, env });
    expect(deep.code).toBe(65);
    expect(deep.stderr).toMatch(attack.refused);
    const target = path.join(work, 'restored.duckdb');
    const restored = await cli(['restore', copy, '--to', target], { cwd: work, env });
    expect(restored.code).toBe(65);
    expect(restored.stderr).toMatch(attack.refused);

    expect(fs.existsSync(pwned)).toBe(false);
    expect(fs.readdirSync(work).sort()).toEqual([path.basename(sound)]);
  });

  it('restores an untouched export backup, statements checked', async () => {
    const work = tempDir('tradedb-hostile-');
    const target = path.join(work, 'restored.duckdb');
    const env = { TRADEDB_DATABASE_PATH: config.database_path };
    const restored = await cli(['restore', sound, '--to', target], { cwd: work, env });
    expect(restored.code).toBe(0);
    expect(fs.existsSync(target)).toBe(true);
  });
});
