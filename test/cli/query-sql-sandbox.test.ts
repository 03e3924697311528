import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { suiteDir } from '../helpers/temp.js';

let cwd: string;
let database: string;
let outside: string;
let feeds: string;

beforeAll(async () => {
  cwd = suiteDir('tradedb-sql-sandbox-');
  database = path.join(cwd, 'trading.duckdb');
  outside = path.join(cwd, 'outside');
  feeds = path.join(cwd, 'feeds');
  fs.mkdirSync(outside);
  fs.mkdirSync(feeds);
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'a\nsecret\n');
  fs.writeFileSync(path.join(feeds, 'fills.csv'), 'n\n1\n2\n');
  const pool = await Pool.open({ config: await testConfig({ database_path: database }) });
  await pool.withWriter((db) => db.run('CREATE TABLE fills AS SELECT * FROM range(3) t(n)'));
  await pool.close();
});

const run = (sql: string, ...flags: string[]) =>
  cli(['query', 'sql', sql, '--database', database, '--format', 'csv', ...flags], { cwd });

/** Every file under `dir` with its SHA-256: what a refused statement must leave exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return files;
}

/** Hostile statements of the report, each with what the refusal must name. */
const HOSTILE: ReadonlyArray<readonly [string, () => string, RegExp]> = [
  ['COPY TO the database file', () => `COPY (SELECT 'x' AS a) TO '${database}' (FORMAT csv)`, /refused COPY/],
  ['COPY TO another path', () => `COPY fills TO '${path.join(outside, 'out.csv')}'`, /refused COPY/],
  ['EXPORT DATABASE', () => `EXPORT DATABASE '${path.join(outside, 'export')}'`, /refused EXPORT/],
  ['ATTACH', () => `ATTACH '${path.join(outside, 'other.duckdb')}' AS other`, /refused ATTACH/],
  ['INSTALL', () => 'INSTALL httpfs', /refused INSTALL/],
  ['LOAD', () => 'LOAD httpfs', /refused LOAD/],
  ['SET', () => "SET memory_limit = '1GB'", /refused SET/],
  ['RESET', () => 'RESET memory_limit', /refused RESET/],
  ['CHECKPOINT', () => 'CHECKPOINT', /refused CHECKPOINT/],
  ['PRAGMA', () => 'PRAGMA database_size', /refused PRAGMA/],
  ['INSERT', () => 'INSERT INTO fills VALUES (9)', /refused INSERT/],
  ['CREATE', () => 'CREATE TABLE t2 AS SELECT 1', /refused CREATE/],
  [
    'EXPLAIN ANALYZE of a COPY',
    () => `EXPLAIN ANALYZE COPY fills TO '${path.join(outside, 'x.csv')}'`,
    /refused EXPLAIN/,
  ],
  [
    'EXPLAIN of a file read',
    () => "EXPLAIN SELECT * FROM read_text('/etc/passwd')",
    /refused table function read_text/,
  ],
  ['several statements', () => 'SELECT 1; SELECT 2', /exactly one SQL statement, got 2/],
  ['read_text', () => "SELECT * FROM read_text('/etc/passwd')", /refused table function read_text\(\)/],
  ['read_csv', () => "SELECT * FROM read_csv('/etc/passwd')", /refused table function read_csv\(\)/],
  ['glob', () => "SELECT * FROM glob('/root/*')", /refused table function glob\(\)/],
  ['checkpoint()', () => 'SELECT * FROM checkpoint()', /refused table function checkpoint\(\)/],
  ['query()', () => "SELECT * FROM query('SELECT 1')", /refused table function query\(\)/],
  [
    'a file function deep in a subquery',
    () => "SELECT * FROM fills WHERE n IN (SELECT 1 FROM (SELECT * FROM read_text('/etc/passwd')))",
    /refused table function read_text\(\)/,
  ],
  [
    'a file as a table name',
    () => `SELECT * FROM '${path.join(outside, 'secret.csv')}'`,
    /Catalog Error|Permission/,
  ],
];

describe('tradedb query sql: sandboxed and read-only', () => {
  it.each(HOSTILE)('refuses %s with exit 65, and changes no file', async (_name, sql, message) => {
    const before = snapshot(cwd);
    const result = await run(sql());
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(snapshot(cwd)).toEqual(before);
  });

  it('still answers a SELECT, WITH, FROM, DESCRIBE, EXPLAIN and catalog functions', async () => {
    expect((await run('SELECT sum(n) AS s FROM fills')).stdout).toBe('s\r\n3\r\n');
    expect((await run('WITH x AS (SELECT 2 AS n) FROM x')).stdout).toBe('n\r\n2\r\n');
    expect((await run('DESCRIBE fills')).code).toBe(0);
    expect((await run('EXPLAIN SELECT * FROM fills')).code).toBe(0);
    expect((await run('EXPLAIN ANALYZE SELECT count(*) FROM fills')).code).toBe(0);
    expect((await run("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'fills'")).stdout).toBe(
      'n\r\n1\r\n',
    );
  });

  it('reads files under --allow-read only, and never writes there', async () => {
    const fills = path.join(feeds, 'fills.csv');
    const allowed = await run(`SELECT sum(n) AS s FROM read_csv('${fills}')`, '--allow-read', feeds);
    expect(allowed.stdout).toBe('s\r\n3\r\n');
    const secret = path.join(outside, 'secret.csv');
    const elsewhere = await run(`SELECT * FROM read_csv('${secret}')`, '--allow-read', feeds);
    expect(elsewhere.code).toBe(65);
    expect(elsewhere.stderr).toMatch(/Permission Error/);
    expect(elsewhere.stdout).not.toContain('secret');
    const before = snapshot(cwd);
    const copy = await run(`COPY fills TO '${path.join(feeds, 'out.csv')}'`, '--allow-read', feeds);
    expect(copy.code).toBe(65);
    expect(snapshot(cwd)).toEqual(before);
  });

  it('exits 64 naming --allow-read when it is not a folder', async () => {
    const result = await run('SELECT 1', '--allow-read', path.join(cwd, 'absent'));
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('--allow-read');
  });

  it('reads the cold tier with --include-cold', async () => {
    const cold = path.join(cwd, 'cold');
    fs.mkdirSync(cold, { recursive: true });
    fs.writeFileSync(path.join(cold, 'part.csv'), 'n\n5\n');
    const env = { TRADEDB_EXPORT_DIRECTORY: cold };
    const sql = `SELECT n FROM read_csv('${path.join(cold, 'part.csv')}')`;
    const without = await cli(['query', 'sql', sql, '--database', database, '--format', 'csv'], { cwd, env });
    expect(without.code).toBe(65);
    const withCold = await cli(
      ['query', 'sql', sql, '--database', database, '--format', 'csv', '--include-cold'],
      { cwd, env },
    );
    expect(withCold.stdout).toBe('n\r\n5\r\n');
  });
});
