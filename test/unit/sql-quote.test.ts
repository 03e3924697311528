import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral } from '../../src/sql/quote.js';
import { atTestEnd } from '../helpers/cleanup.js';

/** Names and texts that end a naive quote early, or smuggle in a statement. */
const HOSTILE = [
  'plain',
  `it's`,
  'we"ird',
  `a'b"c`,
  `'; DROP TABLE t; --`,
  `"); DROP TABLE t; --`,
  '',
  'ünï 😀',
];

describe('SQL quoting', () => {
  it('doubles the quote character and nothing else', () => {
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(quoteLiteral(`it's`)).toBe(`'it''s'`);
    expect(quoteIdent(`it's`)).toBe(`"it's"`);
    expect(quoteLiteral('we"ird')).toBe(`'we"ird'`);
  });

  it('gives DuckDB back exactly the name and text it was given', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    atTestEnd(() => {
      connection.closeSync();
      instance.closeSync();
    });
    for (const [i, text] of HOSTILE.entries()) {
      const name = text === '' ? `empty${i}` : text; // DuckDB refuses an empty identifier
      await connection.run(`CREATE TABLE ${quoteIdent(name)} (${quoteIdent(name)} VARCHAR)`);
      await connection.run(`INSERT INTO ${quoteIdent(name)} VALUES (${quoteLiteral(text)})`);
      const reader = await connection.runAndReadAll(
        `SELECT ${quoteIdent(name)} AS v FROM ${quoteIdent(name)}`,
      );
      expect(reader.getRowObjects()).toEqual([{ v: text }]);
    }
    const tables = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM duckdb_tables()');
    expect(tables.getRowObjects()).toEqual([{ n: HOSTILE.length }]);
  });
});
