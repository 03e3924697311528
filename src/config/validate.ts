import { closest } from 'fastest-levenshtein';
import { ConfigError } from '../errors.js';
import { describeType, KEY_SPEC_BY_KEY, KEY_SPECS, type KeySpec } from './schema.js';

export type ConfigValue = string | number | boolean;

/** Where a value came from, as `tradedb config` shows it. */
export type ConfigSource = 'default' | 'code' | `file:${string}` | `env:${string}` | `flag:--${string}`;

/** Describes the origin of a value inside an error message. */
function origin(source: ConfigSource): string {
  if (source.startsWith('file:')) return `in ${source.slice(5)}`;
  if (source.startsWith('env:')) return `in environment variable ${source.slice(4)}`;
  if (source.startsWith('flag:')) return `in ${source.slice(5)}`;
  if (source === 'code') return 'given in code';
  return 'as default';
}

function invalid(spec: KeySpec, raw: unknown, source: ConfigSource): ConfigError {
  const shown = typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
  return new ConfigError(
    `${spec.key} = ${shown} ${origin(source)} is invalid: expected ${describeType(spec.type)}`,
  );
}

/**
 * Checks one value read from a TOML file, where types are already typed
 * (a quoted "50" for an integer key is an error, not a silent conversion).
 */
export function checkFileValue(spec: KeySpec, raw: unknown, source: ConfigSource): ConfigValue {
  const type = spec.type;
  switch (type.kind) {
    case 'int':
      if (typeof raw === 'number' && Number.isInteger(raw) && raw >= type.min && raw <= type.max) return raw;
      if (typeof raw === 'bigint' && raw >= BigInt(type.min) && raw <= BigInt(type.max)) return Number(raw);
      throw invalid(spec, raw, source);
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      throw invalid(spec, raw, source);
    case 'enum':
      if (typeof raw === 'string' && type.values.includes(raw)) return raw;
      throw invalid(spec, raw, source);
    case 'string':
      if (typeof raw === 'string') return raw;
      throw invalid(spec, raw, source);
    case 'path':
      if (typeof raw === 'string' && (raw !== '' || type.emptyMeans) && !raw.includes('\0')) return raw;
      throw invalid(spec, raw, source);
  }
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** Parses a value given as text (environment variable or flag). */
export function parseTextValue(spec: KeySpec, text: string, source: ConfigSource): ConfigValue {
  const type = spec.type;
  const trimmed = text.trim();
  switch (type.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(trimmed)) throw invalid(spec, text, source);
      return checkFileValue(spec, Number(trimmed), source);
    }
    case 'bool': {
      const word = trimmed.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      throw invalid(spec, text, source);
    }
    default:
      return checkFileValue(spec, text, source);
  }
}

/**
 * Flattens a parsed TOML document into dotted keys, refusing unknown keys
 * and sections with a did-you-mean hint.
 */
export function flattenFileConfig(document: Record<string, unknown>, file: string): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  for (const [name, value] of Object.entries(document)) {
    if (isTable(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        const key = `${name}.${inner}`;
        if (isTable(innerValue)) throw unknownKey(`${key}`, file, 'is a table, expected a value');
        flat.set(requireKnown(key, file), innerValue);
      }
    } else {
      flat.set(requireKnown(name, file), value);
    }
  }
  return flat;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function requireKnown(key: string, file: string): string {
  if (KEY_SPEC_BY_KEY.has(key)) return key;
  throw unknownKey(key, file);
}

function unknownKey(key: string, file: string, why = 'is not a tradedb setting'): ConfigError {
  return unknownKeyError(key, `in ${file}`, why);
}

/** An unknown key, with the closest known one as a hint. `where` says where it was given. */
export function unknownKeyError(key: string, where: string, why = 'is not a tradedb setting'): ConfigError {
  const suggestion = closest(
    key,
    KEY_SPECS.map((spec) => spec.key),
  );
  return new ConfigError(`unknown key ${key} ${where}: ${why}`, {
    hint: suggestion ? `did you mean ${suggestion}?` : 'see config.example.toml for every key',
  });
}

/** hot <= warm <= cold: a partition cannot be cold before it is warm. */
export function checkCrossFieldRules(
  values: Map<string, ConfigValue>,
  sources: Map<string, ConfigSource>,
): void {
  const pairs: Array<[string, string]> = [
    ['retention.hot_data_days', 'retention.warm_data_days'],
    ['retention.warm_data_days', 'retention.cold_data_days'],
  ];
  for (const [lower, upper] of pairs) {
    const low = values.get(lower) as number;
    const high = values.get(upper) as number;
    if (low > high) {
      throw new ConfigError(
        `${lower} = ${low} (${describeSource(sources.get(lower))}) is greater than ${upper} = ${high} (${describeSource(sources.get(upper))}); expected hot_data_days <= warm_data_days <= cold_data_days`,
      );
    }
  }
}

function describeSource(source: ConfigSource | undefined): string {
  return source ?? 'default';
}
