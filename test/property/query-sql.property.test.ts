import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReadOnlySql } from '../../src/admin.js';
import { Pool, TradeDbError } from '../../src/index.js';
import { atFileEnd } from '../helpers/cleanup.js';
import { testConfig } from '../helpers/config.js';
import { suiteDir } from '../helpers/temp.js';
import { params, timeout } from './runs.js';

/**
 * Whatever SQL `query sql` is handed, the database file and every other file
 * stay as they were: statements of every DuckDB statement type and calls of
 * every table function the engine lists (read from duckdb_functions() at
 * test time, so a function a new DuckDB adds is tried too), with paths that
 * aim at the database, its folder, an allowed folder and elsewhere. Runs in
 * this process on the library, as the CLI does, with and without
 * `--allow-read`.
 */

let root: string;
let database: string;
let allowed: string;
let tableFunctions: string[];
const pools: { plain: Pool; reading: Pool } = {} as never;

beforeAll(async () => {
  root = suiteDir('tradedb-sql-property-');
  database = path.join(root, 'trading.duckdb');
  allowed = path.join(root, 'allowed');
  fs.mkdirSync(allowed);
  fs.writeFileSync(path.join(allowed, 'in.csv'), 'n\n1\n');
  fs.mkdirSync(path.join(root, 'elsewhere'));
  fs.writeFileSync(path.join(root, 'elsewhere', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  const writer = await Pool.open({ config: await testConfig({ database_path: database }) });
  await writer.withWriter((db) =>
    db.run(
      'CREATE TABLE t AS SELECT range AS n FROM range(10); CREATE SEQUENCE s; CREATE VIEW v AS SELECT * FROM t',
    ),
  );
  await writer.close();
  // Two sandboxes of one file cannot be open in one process: the second opens after the first closes.
  pools.plain = await Pool.open({
    config: await testConfig({ database_path: database }),
    readOnly: true,
    sandbox: { readDirectories: [] },
  });
  atFileEnd(() => pools.plain.close());
  tableFunctions = (
    await pools.plain.withReader((db) =>
      db.all<{ name: string }>(
        "SELECT DISTINCT function_name AS name FROM duckdb_functions() WHERE function_type IN ('table', 'table_macro') ORDER BY 1",
      ),
    )
  ).map((row) => row.name);
});

/** Paths a statement may aim at; none of them may be created or changed. The readable folder's come twice. */
const targets = (): string[] => [
  database,
  `${database}.wal`,
  path.join(root, 'new.csv'),
  path.join(root, 'export'),
  path.join(allowed, 'out.parquet'),
  path.join(allowed, 'in.csv'),
  path.join(allowed, 'export'),
  path.join(allowed, 'new.duckdb'),
  path.join(root, 'other.duckdb'),
  // A file outside the tree of the database, as /etc/passwd would be (never a real system file: a broken
  // guard would overwrite it).
  path.join(root, 'elsewhere', 'passwd'),
  `${root}/*`,
];

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** One template per DuckDB statement type (StatementType), each taking a path. */
const STATEMENTS: ReadonlyArray<(p: string) => string> = [
  () => 'SELECT * FROM t',
  () => 'INSERT INTO t VALUES (99)',
  () => 'UPDATE t SET n = n + 1',
  () => 'DELETE FROM t',
  () => 'CREATE TABLE x AS SELECT * FROM t',
  () => 'CREATE OR REPLACE VIEW v AS SELECT 1 AS n',
  () => 'CREATE MACRO m(a) AS a + 1',
  (p) => `CREATE SECRET sx (TYPE s3, KEY_ID ${quote(p)}, SECRET 'x')`,
  () => 'PREPARE p1 AS SELECT 1',
  () => 'EXECUTE p1',
  () => 'ALTER TABLE t ADD COLUMN z INTEGER',
  () => 'BEGIN TRANSACTION',
  () => 'COMMIT',
  () => 'ROLLBACK',
  (p) => `COPY t TO ${quote(p)}`,
  (p) => `COPY (SELECT 'x' AS a) TO ${quote(p)} (FORMAT csv)`,
  (p) => `COPY t TO ${quote(p)} (FORMAT parquet)`,
  (p) => `COPY t FROM ${quote(p)}`,
  () => 'ANALYZE',
  () => 'SET VARIABLE x = 1',
  (p) => `EXPLAIN ANALYZE COPY t TO ${quote(p)}`,
  () => 'EXPLAIN SELECT 1',
  () => 'DROP TABLE t',
  () => 'DROP SEQUENCE s',
  (p) => `EXPORT DATABASE ${quote(p)}`,
  (p) => `IMPORT DATABASE ${quote(p)}`,
  () => 'PRAGMA database_size',
  () => "PRAGMA enable_profiling = 'json'",
  (p) => `PRAGMA profiling_output = ${quote(p)}`,
  () => 'VACUUM',
  () => 'VACUUM ANALYZE t',
  () => 'CHECKPOINT',
  () => 'FORCE CHECKPOINT',
  () => 'CALL checkpoint()',
  () => "SET memory_limit = '1GB'",
  (p) => `SET temp_directory = ${quote(p)}`,
  () => 'RESET threads',
  () => 'SET enable_external_access = true',
  () => 'LOAD httpfs',
  () => 'INSTALL httpfs',
  () => 'UPDATE EXTENSIONS',
  (p) => `ATTACH ${quote(p)} AS other`,
  () => "ATTACH ':memory:' AS mem",
  () => 'DETACH other',
  () => 'USE memory',
  (p) => `ATTACH ${quote(p)} AS other; COPY FROM DATABASE trading TO other`,
  () => 'MERGE INTO t USING (SELECT 1 AS n) s ON t.n = s.n WHEN MATCHED THEN DELETE',
  () => 'SUMMARIZE t',
  () => 'DESCRIBE t',
  () => 'SHOW TABLES',
  () => "SELECT nextval('s')",
  (p) => `SELECT * FROM ${quote(p)}`,
  (p) => `FROM query_table(${quote(p)})`,
];

/** Arguments of a generated table function call. */
const args = (p: string): string[] => [
  '',
  quote(p),
  `${quote(p)}, header = true`,
  '1',
  '0, 10',
  "'t'",
  quote(`COPY t TO ${quote(p)}`),
  quote(`SELECT * FROM read_text(${quote(p)})`),
];

const hashOf = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every file under the root with its hash, and every folder: nothing may appear, vanish or change. */
function snapshot(): Record<string, string> {
  const tree: Record<string, string> = {};
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    tree[path.relative(root, file)] = entry.isFile() ? hashOf(file) : 'folder';
  }
  return tree;
}

/** Runs one statement and checks, around it alone, that no file changed (so the counterexample is the culprit). */
async function attempt(pool: Pool, sql: string, allowFileReads: boolean): Promise<void> {
  const before = snapshot();
  try {
    await pool.withReader(async (session) => {
      for await (const _batch of runReadOnlySql(session, sql, {}, { allowFileReads })) {
        // Rows are not the point: only what the statement did to files.
      }
    });
  } catch (error) {
    // Refusals and engine errors are fine; anything untyped would be a crash path worth a look.
    expect(error).toBeInstanceOf(TradeDbError);
  }
  expect(snapshot()).toEqual(before);
}

function arbitraryStatement() {
  const target = fc.constantFrom(...targets());
  const statement = fc.tuple(fc.constantFrom(...STATEMENTS), target).map(([template, p]) => template(p));
  const call = fc
    .tuple(fc.constantFrom(...tableFunctions), target, fc.nat(args('').length - 1), fc.nat(2))
    .map(([fn, p, which, shape]) => {
      const invocation = `${fn}(${args(p)[which]})`;
      if (shape === 0) return `SELECT * FROM ${invocation}`;
      if (shape === 1) return `WITH c AS (SELECT * FROM ${invocation}) SELECT count(*) FROM c`;
      return `SELECT * FROM t WHERE n IN (SELECT 1 FROM ${invocation})`;
    });
  const decorated = fc
    .tuple(fc.oneof(statement, call), fc.constantFrom('', '  ', '/* c */ ', '-- c\n'), fc.boolean())
    .map(([sql, prefix, lower]) => `${prefix}${lower ? sql.toLowerCase() : sql}`);
  const joined = fc.tuple(decorated, decorated).map(([a, b]) => `${a}; ${b}`);
  return fc.oneof({ arbitrary: decorated, weight: 9 }, { arbitrary: joined, weight: 1 });
}

describe('query sql property: no statement changes a file', () => {
  it(
    'leaves the database and the file system as they were, without --allow-read',
    async () => {
      const before = snapshot();
      await fc.assert(
        fc.asyncProperty(arbitraryStatement(), async (sql) => {
          await attempt(pools.plain, sql, false);
        }),
        params(400, 'query sql without --allow-read'),
      );
      expect(snapshot()).toEqual(before);
    },
    timeout(400, 200),
  );

  it(
    'leaves them as they were with a folder open for reading',
    async () => {
      await pools.plain.close();
      pools.reading = await Pool.open({
        config: await testConfig({ database_path: database }),
        readOnly: true,
        sandbox: { readDirectories: [allowed] },
      });
      atFileEnd(() => pools.reading.close());
      const before = snapshot();
      await fc.assert(
        fc.asyncProperty(arbitraryStatement(), async (sql) => {
          await attempt(pools.reading, sql, true);
        }),
        params(400, 'query sql with --allow-read'),
      );
      expect(snapshot()).toEqual(before);
    },
    timeout(400, 200),
  );

  it('covers every table function DuckDB lists', () => {
    // A guard against an empty list making the property vacuous.
    expect(tableFunctions).toContain('read_text');
    expect(tableFunctions.length).toBeGreaterThan(50);
  });
});
