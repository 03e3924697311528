import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseExportStatements } from '../../../src/backup/export-statements.js';
import { IntegrityError } from '../../../src/index.js';
import { suiteDir } from '../../helpers/temp.js';

/**
 * The statement check must accept everything DuckDB's EXPORT DATABASE
 * writes, not only tradedb's own tables: schemas, sequences, enums, views,
 * macros, quoted names with quotes and semicolons, a line break inside a
 * string literal, and both data formats.
 */
const OBJECTS = `
  CREATE SCHEMA s2;
  CREATE SEQUENCE seq1 START 5;
  CREATE TYPE mood AS ENUM ('a', 'b');
  CREATE TABLE "we""ird; tab"(id INTEGER DEFAULT nextval('seq1'), m mood, "col;x" VARCHAR CHECK ("col;x" <> 'a;
b'));
  CREATE TABLE s2.t(a INT);
  CREATE VIEW v AS SELECT * FROM "we""ird; tab";
  CREATE MACRO add1(a) AS a + 1;
  CREATE MACRO tm() AS TABLE SELECT 1;
  CREATE UNIQUE INDEX ix ON s2.t(a);
  INSERT INTO "we""ird; tab" VALUES (DEFAULT, 'a', 'x;y'), (DEFAULT, 'b', 'it''s');
  INSERT INTO s2.t VALUES (1), (2);
`;

let root: string;

beforeAll(() => {
  root = suiteDir('tradedb-export-statements-');
});

async function exportTo(format: string): Promise<{ dir: string; schemaSql: string; loadSql: string }> {
  const dir = path.join(root, format.replace(/\W+/g, '-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(OBJECTS);
    await connection.run(`EXPORT DATABASE '${dir}' (${format})`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  return { dir, schemaSql: read('schema.sql'), loadSql: read('load.sql') };
}

async function withConnection<T>(
  work: (run: (sql: string) => Promise<unknown[][]>, count: (sql: string) => Promise<number>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await work(
      async (sql) => (await connection.runAndReadAll(sql)).getRows(),
      async (sql) => (await connection.extractStatements(sql)).count,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('parseExportStatements', () => {
  it.each(['FORMAT parquet, COMPRESSION zstd', 'FORMAT csv'])(
    'accepts and rebuilds what EXPORT DATABASE (%s) writes',
    async (format) => {
      const exported = await exportTo(format);
      const dataFiles = new Set(fs.readdirSync(exported.dir));
      await withConnection(async (run, countStatements) => {
        const statements = await parseExportStatements({
          ...exported,
          dataDir: exported.dir,
          dataFiles,
          countStatements,
        });
        expect(statements.schema).toHaveLength(9);
        expect(statements.loads).toHaveLength(2);
        for (const sql of [...statements.schema, ...statements.loads]) await run(sql);
        expect(await run(`SELECT "col;x" FROM "we""ird; tab" ORDER BY id`)).toEqual([['x;y'], ["it's"]]);
        expect(await run('SELECT sum(a) FROM s2.t')).toEqual([[3n]]);
      });
    },
  );

  it('names the file and line of a refused statement', async () => {
    const exported = await exportTo('FORMAT parquet');
    const schemaSql = `${exported.schemaSql}\nATTACH 'x.duckdb' AS x;\n`;
    const error = await withConnection((_run, countStatements) =>
      parseExportStatements({
        ...exported,
        schemaSql,
        dataDir: exported.dir,
        dataFiles: new Set(fs.readdirSync(exported.dir)),
        countStatements,
      }).catch((caught: unknown) => caught),
    );
    expect(error).toBeInstanceOf(IntegrityError);
    const line = schemaSql.split('\n').indexOf("ATTACH 'x.duckdb' AS x;") + 1;
    expect((error as Error).message).toBe(
      `schema.sql line ${line}: refused "ATTACH 'x.duckdb' AS x": not a CREATE statement that EXPORT DATABASE writes`,
    );
  });
});
