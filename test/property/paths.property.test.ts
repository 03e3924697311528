import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';
import { params, timeout } from './runs.js';

/**
 * File and folder names are the user-supplied strings that cannot be bound
 * parameters: DuckDB takes them as SQL text (read_csv('...'), COPY ... TO
 * '...', EXPORT DATABASE '...'). Names full of quotes, semicolons, comment
 * markers and glob characters must work as plain names, or be refused:
 * never run as SQL, never touch other files.
 */

const fragment = fc.constantFrom(
  "'",
  '"',
  ';',
  '--',
  ' ',
  "'); DROP TABLE market_ticks; --",
  '$1',
  '%',
  '\\',
  '(',
  ')',
  ',',
  'é',
  '😀',
  '*',
  '?',
  '[1]',
  '{a,b}',
  '~',
);
const hostileName = fc
  .array(fc.oneof(fragment, fc.stringMatching(/^[a-z0-9]{1,4}$/)), { minLength: 1, maxLength: 5 })
  .map((parts) => `n${parts.join('')}`)
  .filter((name) => name !== '.' && name !== '..' && Buffer.byteLength(name) < 200);

const root = suiteDir('tradedb-paths-fuzz-');
let counter = 0;

describe('hostile file and folder names', () => {
  it(
    'migrate, import, export-partitions, backup and restore work with them as plain names',
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileName, async (name) => {
          const cwd = path.join(root, `case-${counter++}`);
          const home = path.join(cwd, name);
          fs.mkdirSync(home, { recursive: true });
          const database = path.join(home, `${name}.duckdb`);
          const env = {
            TRADEDB_DATABASE_PATH: database,
            TRADEDB_PERFORMANCE_NUM_THREADS: '1',
            TRADEDB_RETENTION_HOT_DATA_DAYS: '0',
          };
          const run = async (...argv: string[]) => {
            const result = await cli([...argv, '--json'], { cwd, env });
            expect(result.code, `${argv.join(' ')}\n${result.stderr}`).toBe(0);
            return result.stdout === '' ? undefined : JSON.parse(result.stdout);
          };
          if (name.includes('?')) {
            // DuckDB puts the WAL at the first "?" of the path (n?x/db -> n.wal?x/db): a folder name with one
            // cannot hold a database. Refused as an I/O error naming the file, not a conflict to retry.
            const refused = await cli(['migrate', 'up'], { cwd, env });
            expect(refused.code, refused.stderr).toBe(74);
            expect(refused.stderr).toContain('.wal');
            return;
          }
          await run('migrate', 'up');
          const csv = path.join(home, `${name}.csv`);
          fs.writeFileSync(
            csv,
            'ts,exchange,symbol,price,size,seq\n2026-01-02T03:04:05.000006Z,XNAS,S,1.5,2,1\n',
          );
          await run('import', 'ticks', csv);
          const exported = await run('export-partitions', '--out', path.join(home, `${name}-cold`));
          expect(exported.rows_exported).toBe(1);
          const made = await run('backup', '--method', 'export', '--out', path.join(home, `${name}-backups`));
          const target = path.join(home, `${name}-restored.duckdb`);
          await run('restore', made.path, '--to', target);
          const rows = await cli(
            ['query', 'sql', 'SELECT seq, price FROM market_ticks', '--database', target, '--json'],
            {
              cwd,
            },
          );
          expect(rows.code, rows.stderr).toBe(0);
          expect(JSON.parse(rows.stdout)).toEqual([{ seq: 1, price: '1.50000000' }]);
          // Nothing was created or deleted outside the folder with the odd name.
          expect(fs.readdirSync(cwd)).toEqual([name]);
        }),
        // The "?" case and the quote-and-glob case always run, whatever the seed.
        {
          ...params(6, 'paths: hostile file and folder names'),
          examples: [["n?x'"], ["n'); DROP TABLE market_ticks; --*[1]"]],
        },
      );
    },
    timeout(6, 15_000),
  );
});
