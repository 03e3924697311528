import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parseToml, stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { configValue, KEY_SPECS, type KeySpec } from '../../src/admin.js';
import { ENV_ALIASES, envVarFor } from '../../src/config/schema.js';
import { ConfigError, loadConfig } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';
import { params } from './runs.js';

/**
 * Hostile configuration: random TOML files over known and unknown keys with
 * random values, random file contents, and random environment values. Each
 * either loads, with exactly the values given, or fails with a ConfigError
 * (exit 78) naming the key or variable at fault. Nothing else.
 */

const SPECS = new Map(KEY_SPECS.map((spec) => [spec.key, spec]));
const SECTIONS = [...new Set(KEY_SPECS.filter((s) => s.key.includes('.')).map((s) => s.key.split('.')[0]!))];

/** Strings with the awkward characters: quotes, backslashes, NUL, newlines, unicode, emoji. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '"',
    "'",
    '\\',
    '\n',
    'é',
    '😀',
    '../x',
    '~/x',
    ':memory:',
    'zstd',
    'file',
  ),
);

/** A value for a key: often one that fits its type, often one that does not. */
function valueFor(spec: KeySpec | undefined): fc.Arbitrary<unknown> {
  const anything = fc.oneof(
    fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    nasty,
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
  );
  if (!spec) return anything;
  const type = spec.type;
  switch (type.kind) {
    case 'int':
      return fc.oneof(
        fc.integer({ min: type.min, max: type.max }),
        fc.constantFrom(type.min - 1, type.max + 1, type.min, type.max),
        anything,
      );
    case 'bool':
      return fc.oneof(fc.boolean(), anything);
    case 'enum':
      return fc.oneof(fc.constantFrom(...type.values), anything);
    default:
      return fc.oneof(
        fc.string({ minLength: 1 }).map((s) => `p-${s}`),
        nasty,
        anything,
      );
  }
}

const unknownName = fc
  .stringMatching(/^[a-z][a-z_]{0,12}$/)
  .filter((name) => !SPECS.has(name) && !SECTIONS.includes(name));

/** A TOML document: known keys (top level and in sections) and unknown ones, in any mix. */
const documents = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...KEY_SPECS.map((s) => s.key)) },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constantFrom(...SECTIONS), unknownName).map(([a, b]) => `${a}.${b}`),
      },
      { weight: 1, arbitrary: unknownName },
      { weight: 1, arbitrary: fc.tuple(unknownName, unknownName).map(([a, b]) => `${a}.${b}`) },
    ),
    { maxLength: 6 },
  )
  .chain((keys) =>
    fc.tuple(...[...new Set(keys)].map((key) => fc.tuple(fc.constant(key), valueFor(SPECS.get(key))))),
  )
  .map((entries) => {
    const doc: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      const [first, second] = key.split('.') as [string, string | undefined];
      if (second === undefined) {
        if (typeof doc[first] === 'object' && doc[first] !== null && !Array.isArray(doc[first])) continue;
        doc[first] = value;
      } else {
        if (first in doc && (typeof doc[first] !== 'object' || Array.isArray(doc[first]))) continue;
        doc[first] = { ...((doc[first] as object) ?? {}), [second]: value };
      }
    }
    return doc;
  });

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function fits(spec: KeySpec, value: unknown): boolean {
  const type = spec.type;
  switch (type.kind) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= type.min && value <= type.max;
    case 'bool':
      return typeof value === 'boolean';
    case 'enum':
      return typeof value === 'string' && type.values.includes(value);
    case 'string':
      return typeof value === 'string';
    case 'path':
      return (
        typeof value === 'string' && !value.includes('\0') && (value !== '' || type.emptyMeans !== undefined)
      );
  }
}

/** What loading the parsed document must do: the key an error names, or the values it must give. */
function expectation(doc: Record<string, unknown>) {
  const flat: Array<[string, unknown]> = [];
  for (const [name, value] of Object.entries(doc)) {
    if (isTable(value)) for (const [inner, v] of Object.entries(value)) flat.push([`${name}.${inner}`, v]);
    else flat.push([name, value]);
  }
  const unknown = flat.find(([key, value]) => !SPECS.has(key) || isTable(value));
  if (unknown) return { error: unknown[0] };
  const invalid = flat.find(([key, value]) => !fits(SPECS.get(key)!, value));
  if (invalid) return { error: invalid[0] };
  const effective = new Map(KEY_SPECS.map((s) => [s.key, s.default as unknown]));
  for (const [key, value] of flat) effective.set(key, value);
  const [hot, warm, cold] = ['hot', 'warm', 'cold'].map(
    (t) => effective.get(`retention.${t}_data_days`) as number,
  );
  if (hot! > warm! || warm! > cold!)
    return { error: hot! > warm! ? 'retention.hot_data_days' : 'retention.warm_data_days' };
  return { values: flat };
}

function resolved(spec: KeySpec, value: unknown, dir: string, home: string): unknown {
  // Only database_path may be ":memory:" (README, Configuration); elsewhere it is a file name like any other.
  if (spec.type.kind !== 'path' || value === '' || (spec.key === 'database_path' && value === ':memory:'))
    return value;
  const text = value as string;
  if (text === '~') return home;
  if (text.startsWith('~/')) return path.join(home, text.slice(2));
  return path.resolve(dir, text);
}

const root = suiteDir('tradedb-config-fuzz-');
let counter = 0;

describe('hostile config files', () => {
  it('a random TOML file loads with exactly its values, or fails naming the key at fault', async () => {
    await fc.assert(
      fc.asyncProperty(documents, async (doc) => {
        const dir = path.join(root, `doc-${counter++}`);
        fs.mkdirSync(dir);
        const file = path.join(dir, 'tradedb.toml');
        fs.writeFileSync(file, stringify(doc));
        const parsed = parseToml(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
        const expected = expectation(parsed);
        const outcome = await loadConfig({ cwd: dir, env: {}, homeDir: dir }).catch(
          (error: unknown) => error,
        );
        if (expected.error !== undefined) {
          expect(outcome).toBeInstanceOf(ConfigError);
          expect((outcome as ConfigError).message).toContain(expected.error);
          expect((outcome as ConfigError).exitCode).toBe(78);
          return;
        }
        expect(outcome).not.toBeInstanceOf(Error);
        const { config, sources } = outcome as Awaited<ReturnType<typeof loadConfig>>;
        for (const [key, value] of expected.values) {
          expect(configValue(config, key), key).toEqual(resolved(SPECS.get(key)!, value, dir, dir));
          expect(sources[key]).toBe(`file:${file}`);
        }
      }),
      params(200, 'config: random TOML documents'),
    );
  });

  it('any bytes at all as the config file: it loads or is a ConfigError, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 200 })),
        async (content) => {
          const dir = path.join(root, `bytes-${counter++}`);
          fs.mkdirSync(dir);
          fs.writeFileSync(path.join(dir, 'tradedb.toml'), content);
          const outcome = await loadConfig({ cwd: dir, env: {}, homeDir: dir }).catch(
            (error: unknown) => error,
          );
          if (outcome instanceof Error) expect(outcome).toBeInstanceOf(ConfigError);
        },
      ),
      params(200, 'config: random file bytes'),
    );
  });

  it('through the CLI: `tradedb config --json` prints the values or exits 78 naming the key', async () => {
    await fc.assert(
      fc.asyncProperty(documents, async (doc) => {
        const dir = path.join(root, `cli-${counter++}`);
        fs.mkdirSync(dir);
        const file = path.join(dir, 'tradedb.toml');
        fs.writeFileSync(file, stringify(doc));
        const expected = expectation(parseToml(fs.readFileSync(file, 'utf8')) as Record<string, unknown>);
        // The helper's own slow-query default would win over the file: unset it.
        const env = { TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: undefined };
        const result = await cli(['config', '--json', '--config', file], { cwd: dir, env });
        if (expected.error !== undefined) {
          expect(result.code, result.stderr).toBe(78);
          expect(result.stderr).toContain(expected.error);
          expect(result.stdout).toBe('');
          return;
        }
        // The metrics file is written when the command ends: into a folder that does not exist, that write
        // fails, and a failed write is exit 74 naming the folder (after the values were printed).
        const metricsFile = expected.values.find(([key]) => key === 'observability.metrics_file')?.[1];
        const metricsPath =
          typeof metricsFile === 'string' && metricsFile !== ''
            ? (resolved(SPECS.get('observability.metrics_file')!, metricsFile, dir, dir) as string)
            : undefined;
        if (metricsPath !== undefined && !fs.existsSync(path.dirname(metricsPath))) {
          expect(result.code, result.stderr).toBe(74);
          expect(result.stderr).toContain('does not exist');
          return;
        }
        expect(result.code, result.stderr).toBe(0);
        const printed = JSON.parse(result.stdout);
        for (const [key, value] of expected.values) {
          expect(printed[key].value, key).toEqual(resolved(SPECS.get(key)!, value, dir, dir));
        }
      }),
      params(60, 'config: random TOML through `tradedb config`'),
    );
  });
});

describe('hostile environment values', () => {
  const NAMES = [
    ...KEY_SPECS.map((spec) => envVarFor(spec.key)),
    ...Object.keys(ENV_ALIASES),
    'TRADEDB_NOPE',
    'TRADEDB_POOL_NOPE',
  ];
  const keyOf = (name: string) =>
    ENV_ALIASES[name] ?? KEY_SPECS.find((spec) => envVarFor(spec.key) === name)?.key;
  const text = fc.oneof(
    nasty,
    fc.integer({ min: -100, max: 200_000 }).map(String),
    fc.integer().map((n) => ` ${n} `),
    fc.constantFrom('true', 'FALSE', 'yes', 'Off', '1', '0', 'on ', 'zstd', 'export', '9999999999999999999'),
  );

  /** The value the text must become, or undefined when it must be refused (as parseTextValue is documented). */
  function parsed(spec: KeySpec, raw: string): { ok: boolean; value?: unknown } {
    const trimmed = raw.trim();
    const type = spec.type;
    switch (type.kind) {
      case 'int': {
        if (!/^-?\d+$/.test(trimmed)) return { ok: false };
        const n = Number(trimmed);
        return n >= type.min && n <= type.max ? { ok: true, value: n } : { ok: false };
      }
      case 'bool': {
        const word = trimmed.toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(word)) return { ok: true, value: true };
        if (['false', '0', 'no', 'off'].includes(word)) return { ok: true, value: false };
        return { ok: false };
      }
      default:
        return fits(spec, raw) ? { ok: true, value: raw } : { ok: false };
    }
  }

  it('a random environment loads with exactly its values, or fails naming a variable at fault', async () => {
    const dir = path.join(root, 'env');
    fs.mkdirSync(dir);
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...NAMES), text, { maxKeys: 5 }), async (env) => {
        const bad: string[] = [];
        const effective = new Map(
          KEY_SPECS.map((s) => [s.key, { value: s.default as unknown, from: 'default' }]),
        );
        // Aliases first, then the TRADEDB_ names, which win.
        const order = [...Object.keys(ENV_ALIASES), ...KEY_SPECS.map((spec) => envVarFor(spec.key))];
        // A TRADEDB_ name that is no setting is refused like an unknown key in the file.
        for (const name of ['TRADEDB_NOPE', 'TRADEDB_POOL_NOPE']) if (env[name]) bad.push(name);
        for (const name of order) {
          const raw = env[name];
          if (raw === undefined || raw === '') continue;
          const key = keyOf(name)!;
          const result = parsed(SPECS.get(key)!, raw);
          if (!result.ok) bad.push(name);
          else effective.set(key, { value: resolved(SPECS.get(key)!, result.value, dir, dir), from: name });
        }
        const outcome = await loadConfig({ cwd: dir, env, homeDir: dir, noFile: true }).catch(
          (e: unknown) => e,
        );
        if (bad.length > 0) {
          expect(outcome).toBeInstanceOf(ConfigError);
          expect(bad.some((name) => (outcome as Error).message.includes(name))).toBe(true);
          return;
        }
        const [hot, warm, cold] = ['hot', 'warm', 'cold'].map(
          (t) => effective.get(`retention.${t}_data_days`)!.value as number,
        );
        if (hot! > warm! || warm! > cold!) {
          expect(outcome).toBeInstanceOf(ConfigError);
          expect((outcome as Error).message).toContain('retention.');
          return;
        }
        expect(outcome).not.toBeInstanceOf(Error);
        const { config, sources } = outcome as Awaited<ReturnType<typeof loadConfig>>;
        for (const [key, { value, from }] of effective) {
          if (from === 'default') continue;
          expect(configValue(config, key), from).toEqual(value);
          expect(sources[key]).toBe(`env:${from}`);
        }
      }),
      params(300, 'config: random environments'),
    );
  });
});
