import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_MODEL, parseOrderBy, parseWhere } from '../../src/admin.js';
import {
  buildSelect,
  MigrationRunner,
  OrderRepository,
  Pool,
  type TradeDbConfig,
  ValidationError,
} from '../../src/index.js';
import { parseTime } from '../../src/query/parse-time.js';
import { microsToIso } from '../../src/util/iso-time.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { suiteDir } from '../helpers/temp.js';
import { params, timeout } from './runs.js';

/**
 * Hostile `--where`, `--order-by`, time and parameter values. Each either
 * works or is refused with a ValidationError (exit 64/65) naming the flag;
 * values reach DuckDB only as bound parameters, so a hostile value matches
 * exactly the rows equal to it as a literal, and never changes a row.
 */

/** Symbols an attacker (or a careless feed) might send: quotes, comments, LIKE wildcards, escapes, unicode. */
const HOSTILE = [
  'BTC-USD',
  "x' OR '1'='1",
  "'; DROP TABLE orders; --",
  "x'); DELETE FROM orders; --",
  '$1',
  '?',
  '%',
  '_',
  'a%b',
  'A_B',
  '\\',
  '\\%',
  '"quoted"',
  'semi;colon',
  '/* c */',
  'null',
  'NULL',
  '日本語',
  'emoji 😀',
  'İstanbul',
  'tab\there',
  'new\nline',
  'cr\r\nlf',
  'eth-usd',
  'ETH-USD',
];

const fragments = fc.constantFrom(
  "'",
  '"',
  ';',
  '--',
  '/*',
  '*/',
  '%',
  '_',
  '\\',
  ' OR 1=1',
  '$1',
  'é',
  '😀',
  '\n',
  ' ',
);
/** Strings built from SQL-ish fragments and random text. */
const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc
    .array(fc.oneof(fragments, fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 })
    .map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
);
/** The same without characters whose lower case JavaScript and DuckDB might disagree on (for `~`). */
const asciiText = fc.oneof(
  fc.constantFrom(...HOSTILE.filter((s) => /^[\x20-\x7e]*$/.test(s))),
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: 1,
    maxLength: 6,
  }),
);

let dir: string;
let database: string;
let pool: Pool;
let suiteConfig: TradeDbConfig;
let stored: Array<{ id: string; symbol: string }>;
let fingerprint: string;

async function tableFingerprint(): Promise<string> {
  const row = await pool.withReader((s) =>
    s.one<{ n: bigint; h: string }>(
      `SELECT count(*) AS n, md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) AS h FROM orders t`,
    ),
  );
  return `${row!.n}:${row!.h}`;
}

beforeAll(async () => {
  dir = suiteDir('tradedb-query-fuzz-');
  database = path.join(dir, 'trading.duckdb');
  suiteConfig = await testConfig({ database_path: database, 'performance.num_threads': 1 }, dir);
  pool = await Pool.open({ config: suiteConfig });
  await new MigrationRunner({ pool }).up();
  const symbols = [...HOSTILE, ...fc.sample(hostileText, { numRuns: 60, seed: 7 })].filter(
    (s) => s.trim() !== '',
  );
  const orders = new OrderRepository(pool);
  const made = await orders.createMany(
    symbols.flatMap((symbol, i) =>
      [0, 1].map((copy) => ({
        exchange: copy === 0 ? 'XNAS' : "ex'change",
        symbol,
        side: 'buy' as const,
        order_type: 'limit' as const,
        quantity: '1',
        price: `${i + 1}.5`,
        created_at: new Date(Date.UTC(2026, 0, 1, 0, i, copy)),
      })),
    ),
  );
  stored = made.map((order) => ({ id: order.order_id, symbol: order.symbol }));
  fingerprint = await tableFingerprint();
});

afterAll(async () => {
  // Every property below ran hostile values through the engine: the table must be exactly as seeded.
  expect(await tableFingerprint()).toBe(fingerprint);
  await pool.close();
});

const ids = (rows: ReadonlyArray<{ order_id: string }>) => rows.map((row) => row.order_id).sort();
const expectedIds = (keep: (symbol: string) => boolean) =>
  stored
    .filter((order) => keep(order.symbol))
    .map((order) => order.id)
    .sort();

describe('the parsers, on any string', () => {
  it('parseWhere gives column<op>value exactly, or a ValidationError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          hostileText,
          fc
            .tuple(
              fc.constantFrom('symbol', 'price', 'x y'),
              fc.constantFrom('=', '!=', '>=', '~', '=>', '<>', '=='),
              hostileText,
            )
            .map((p) => p.join('')),
        ),
        (text) => {
          let condition: ReturnType<typeof parseWhere>;
          try {
            condition = parseWhere(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            expect((error as Error).message).toContain('--where');
            return;
          }
          expect(condition.column).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
          expect(['=', '!=', '>', '>=', '<', '<=', '~']).toContain(condition.op);
          // Exactly the text: the column, the operator, then the value with its surrounding space trimmed.
          const head = new RegExp(
            `^\\s*${condition.column}\\s*${condition.op.replace(/[~!<>=]/g, '\\$&')}`,
          ).exec(text);
          expect(head).not.toBeNull();
          expect(text.slice(head![0].length).trim()).toBe(condition.value);
        },
      ),
      params(300, 'query: parseWhere'),
    );
  });

  it('parseOrderBy and the sort whitelist accept only model columns', () => {
    const names = ORDER_MODEL.columns.map((column) => column.name);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          hostileText,
          fc.constantFrom(...names).map((n) => `${n}:desc`),
        ),
        (text) => {
          try {
            const keys = parseOrderBy(text);
            const built = buildSelect(ORDER_MODEL, [], { orderBy: keys });
            for (const key of keys) expect(names).toContain(key.column);
            expect(built.sql).not.toContain(';');
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
          }
        },
      ),
      params(300, 'query: parseOrderBy + whitelist'),
    );
  });

  it('parseTime turns any string into exact microseconds or a ValidationError naming the flag', () => {
    const now = new Date('2026-11-27T08:15:00.123Z');
    const nowMicros = BigInt(now.getTime()) * 1000n;
    const units: Record<string, bigint> = {
      s: 1_000_000n,
      m: 60_000_000n,
      h: 3_600_000_000n,
      d: 86_400_000_000n,
      w: 604_800_000_000n,
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          hostileText,
          fc
            .bigInt({ min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n })
            .map((m) => ({ micros: m })),
          fc
            .tuple(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom('s', 'm', 'h', 'd', 'w'))
            .map(([n, u]) => ({ n, u })),
        ),
        (input) => {
          if (typeof input === 'object' && 'micros' in input) {
            expect(parseTime(microsToIso(input.micros), { now, what: '--since' })).toBe(input.micros);
            return;
          }
          if (typeof input === 'object') {
            expect(parseTime(`-${input.n}${input.u}`, { now })).toBe(
              nowMicros - BigInt(input.n) * units[input.u]!,
            );
            return;
          }
          try {
            expect(typeof parseTime(input, { now, what: '--since' })).toBe('bigint');
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            expect((error as Error).message).toContain('--since');
          }
        },
      ),
      params(300, 'query: parseTime'),
    );
  });

  it('a condition value never becomes SQL text: the statement is the same for every value', () => {
    const columns = ORDER_MODEL.columns
      .filter((column) => column.kind !== 'json')
      .map((column) => column.name);
    fc.assert(
      fc.property(
        fc.constantFrom(...columns),
        fc.constantFrom('=', '!=', '>', '>=', '<', '<=', '~') as fc.Arbitrary<'='>,
        hostileText,
        (column, op, value) => {
          let built: ReturnType<typeof buildSelect>;
          try {
            built = buildSelect(ORDER_MODEL, [{ column, op, value }], { now: new Date(0) });
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            return;
          }
          const isNull = value.toLowerCase() === 'null';
          const reference = sqlWithReference(column, op, isNull);
          if (reference !== undefined) expect(built.sql).toBe(reference);
          if (!isNull && value.length > 3) expect(built.sql).not.toContain(value);
        },
      ),
      params(300, 'query: statement independent of the value'),
    );
  });
});

/** The statement for a well-formed value of the column (or null), to compare a hostile one with. */
function sqlWithReference(column: string, op: '=', isNull: boolean): string | undefined {
  const spec = ORDER_MODEL.columns.find((c) => c.name === column)!;
  const sample: Record<string, string> = {
    uuid: '00000000-0000-4000-8000-000000000000',
    text: 'abc',
    enum: spec.values?.[0] ?? '',
    decimal: '1.5',
    timestamp: '2026-01-01',
  };
  try {
    return buildSelect(ORDER_MODEL, [{ column, op, value: isNull ? 'null' : sample[spec.kind]! }], {
      now: new Date(0),
    }).sql;
  } catch {
    return undefined;
  }
}

describe('hostile values against the database', () => {
  it('symbol = <hostile> matches exactly the rows equal to it as a literal; != the rest', async () => {
    const orders = new OrderRepository(pool);
    await fc.assert(
      fc.asyncProperty(hostileText, async (value) => {
        const equal = await orders.findAll({ where: [{ column: 'symbol', op: '=', value }], limit: 10_000 });
        expect(ids(equal.rows)).toEqual(expectedIds((symbol) => symbol === value));
        const named = await orders.findAll({ symbol: value, limit: 10_000 });
        expect(ids(named.rows)).toEqual(ids(equal.rows));
        const other = await orders.findAll({ where: [{ column: 'symbol', op: '!=', value }], limit: 10_000 });
        expect(ids(other.rows)).toEqual(expectedIds((symbol) => symbol !== value));
      }),
      params(200, 'query: hostile symbol =, != through the repository'),
    );
  });

  it('symbol ~ <hostile> is a case-insensitive contains with % and _ taken literally', async () => {
    const orders = new OrderRepository(pool);
    await fc.assert(
      fc.asyncProperty(asciiText, async (value) => {
        const found = await orders.findAll({ where: [{ column: 'symbol', op: '~', value }], limit: 10_000 });
        const lower = value.toLowerCase();
        // Compared over the ASCII symbols, where JavaScript's and DuckDB's lower case agree.
        const ascii = (symbol: string) => /^[\x00-\x7f]*$/.test(symbol);
        const asciiIds = new Set(expectedIds(ascii));
        expect(ids(found.rows).filter((id) => asciiIds.has(id))).toEqual(
          expectedIds((symbol) => ascii(symbol) && symbol.toLowerCase().includes(lower)),
        );
      }),
      params(200, 'query: hostile symbol ~ through the repository'),
    );
  });

  it(
    'through the CLI: query orders --where / --symbol / --order-by / --since, and query sql --param',
    async () => {
      const run = (...argv: string[]) => cli([...argv, '--database', database], { cwd: dir });
      // query sql opens the file sandboxed, which a process holding it with full access cannot: reopened below.
      await pool.close();
      try {
        await fc.assert(
          fc.asyncProperty(hostileText, fc.oneof(fc.string(), hostileText), async (value, junk) => {
            // A whole --where argument: the part after "symbol=" is the value, spaces trimmed.
            const where = await run(
              'query',
              'orders',
              '--where',
              `symbol=${value}`,
              '--limit',
              '10000',
              '--json',
            );
            const trimmed = value.trim();
            if (trimmed === '' || /^[=!<>~]/.test(trimmed)) {
              // "symbol=" alone, or a value that extends the operator ("symbol=~x" is the operator "=~"): refused or read differently.
              expect([0, 64, 65]).toContain(where.code);
            } else {
              expect(where.code, where.stderr).toBe(0);
              expect(ids(JSON.parse(where.stdout))).toEqual(expectedIds((symbol) => symbol === trimmed));
            }
            // Attached with "=": a value such as "--" would otherwise read as the end of the options, as in any CLI.
            const named = await run('query', 'orders', `--symbol=${value}`, '--limit', '10000', '--json');
            expect(named.code, named.stderr).toBe(0);
            expect(ids(JSON.parse(named.stdout))).toEqual(expectedIds((symbol) => symbol === value));
            const bound = await run(
              'query',
              'sql',
              'SELECT count(*) AS n FROM orders WHERE symbol = $s',
              '--param',
              `s=${value}`,
              '--json',
            );
            expect(bound.code, bound.stderr).toBe(0);
            expect(JSON.parse(bound.stdout)).toEqual([
              { n: expectedIds((symbol) => symbol === value).length },
            ]);
            // Junk in every other flag: refused with a usage or data error naming the flag, or accepted.
            for (const [flag, argv] of [
              ['--where', ['--where', junk]],
              ['--order-by', ['--order-by', junk]],
              ['--since', ['--since', junk]],
              ['--status', ['--status', junk]],
            ] as const) {
              const result = await run('query', 'orders', ...argv, '--json');
              expect([0, 64, 65], `${flag} ${JSON.stringify(junk)}: ${result.stderr}`).toContain(result.code);
              if (result.code !== 0) expect(result.stderr).toContain(flag);
            }
            const order = await run('query', 'order', junk, '--json');
            expect([0, 64, 65, 66], `query order ${JSON.stringify(junk)}: ${order.stderr}`).toContain(
              order.code,
            );
          }),
          params(25, 'query: hostile values through the CLI'),
        );
      } finally {
        pool = await Pool.open({ config: suiteConfig });
      }
    },
    timeout(25, 3000),
  );
});
