import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/index.js';
import { migrationChecksum } from '../../src/migrations/checksum.js';
import { readMigrationFiles } from '../../src/migrations/files.js';
import { splitStatements } from '../../src/migrations/statements.js';
import { tempDir } from '../helpers/temp.js';

describe('migration checksums', () => {
  const text = '-- x\n-- migrate:up\nCREATE TABLE t (a INT);\n-- migrate:down\nDROP TABLE t;\n';

  it('ignore CRLF line ends, trailing white space and trailing blank lines', () => {
    const sum = migrationChecksum(text);
    expect(migrationChecksum(text.replaceAll('\n', '\r\n'))).toBe(sum);
    expect(migrationChecksum(text.replaceAll('\n', '  \t\n'))).toBe(sum);
    expect(migrationChecksum(`${text}\n\n\n`)).toBe(sum);
  });

  it('change with anything else, leading spaces and comments included', () => {
    const sum = migrationChecksum(text);
    expect(migrationChecksum(text.replace('a INT', 'a  INT'))).not.toBe(sum);
    expect(migrationChecksum(text.replace('-- x', '-- y'))).not.toBe(sum);
    expect(migrationChecksum(` ${text}`)).not.toBe(sum);
  });
});

describe('readMigrationFiles', () => {
  it('orders by version as a number and splits the sections', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, '10_ten.sql'),
      '-- migrate:up\nSELECT 10;\n-- migrate:down\nSELECT -10;\n',
    );
    fs.writeFileSync(path.join(dir, '9_nine.sql'), '-- migrate:up\nSELECT 9;\n');
    fs.writeFileSync(path.join(dir, 'README.md'), 'not a migration');
    const files = readMigrationFiles(dir);
    expect(files.map((file) => file.version)).toEqual(['9', '10']);
    expect(files[0]).toMatchObject({ name: 'nine', up: 'SELECT 9;', down: '' });
    expect(files[1]).toMatchObject({ up: 'SELECT 10;', down: 'SELECT -10;' });
  });

  it('refuses two files with one version, a badly named .sql file, and a file without an up section', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '001_a.sql'), '-- migrate:up\nSELECT 1;\n');
    fs.writeFileSync(path.join(dir, '1_b.sql'), '-- migrate:up\nSELECT 1;\n');
    expect(() => readMigrationFiles(dir)).toThrow(/share version/);
    fs.rmSync(path.join(dir, '1_b.sql'));
    fs.writeFileSync(path.join(dir, 'oops.sql'), '-- migrate:up\nSELECT 1;\n');
    expect(() => readMigrationFiles(dir)).toThrow(IntegrityError);
    fs.rmSync(path.join(dir, 'oops.sql'));
    fs.writeFileSync(path.join(dir, '002_c.sql'), 'SELECT 1;\n');
    expect(() => readMigrationFiles(dir)).toThrow(/no "-- migrate:up" section/);
  });
});

describe('splitStatements', () => {
  it('splits at top-level semicolons only', () => {
    expect(
      splitStatements(
        "CREATE TABLE a (x VARCHAR DEFAULT ';');\n-- a; comment\nINSERT INTO a VALUES ('x;y'); /* ; */ SELECT 1",
      ),
    ).toEqual(["CREATE TABLE a (x VARCHAR DEFAULT ';')", "INSERT INTO a VALUES ('x;y')", '/* ; */ SELECT 1']);
  });
});
