import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral } from '../../src/sql/quote.js';
import { ROOT } from '../helpers/bin.js';
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

  it('has one home: no other file doubles single quotes itself', () => {
    const copies: string[] = [];
    for (const folder of ['src', 'commands']) {
      for (const entry of fs.readdirSync(path.join(ROOT, folder), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
        const file = path.join(entry.parentPath, entry.name);
        if (file === path.join(ROOT, 'src', 'sql', 'quote.ts')) continue;
        // A string literal doubled by hand: replaceAll("'", "''") or replace(/'/g, "''").
        if (/replace(?:All)?\((?:"'"|\/'\/g), "''"\)/.test(fs.readFileSync(file, 'utf8'))) {
          copies.push(path.relative(ROOT, file));
        }
      }
    }
    expect(copies).toEqual([]);
  });
});
