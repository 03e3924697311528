import os from 'node:os';
import { ConfigError } from '../errors.js';
import { defaultLayers, finishConfig } from './finish.js';
import type { LoadedConfig } from './load.js';
import { KEY_SPEC_BY_KEY, KEY_SPECS, type TradeDbConfig } from './schema.js';
import { checkFileValue, unknownKeyError } from './validate.js';

/** Any part of a config: top-level keys and whole or partial sections. */
export type ConfigInput = {
  readonly [Key in keyof TradeDbConfig]?: TradeDbConfig[Key] extends object
    ? { readonly [Inner in keyof TradeDbConfig[Key]]?: TradeDbConfig[Key][Inner] }
    : TradeDbConfig[Key];
};

/** Where `defineConfig` resolves relative paths and `~` from. */
export interface DefineConfigOptions {
  /** Folder that relative paths are resolved against. Default: process.cwd(). */
  cwd?: string;
  /** Home folder for `~`. Default: os.homedir(). */
  homeDir?: string;
}

/**
 * Builds a config in code: the values given, the defaults for the rest.
 * The result is the same frozen, validated object a config file or the
 * environment gives (same checks, same errors, absolute paths); no file
 * and no environment variable is read. Use `loadConfig` for those.
 *
 * @example
 * const config = defineConfig({ database_path: 'data/trading.duckdb', pool: { max_readers: 16 } });
 * const pool = await Pool.open({ config });
 */
export function defineConfig(input: ConfigInput = {}, options: DefineConfigOptions = {}): TradeDbConfig {
  return defineLoadedConfig(input, options).config;
}

/** `defineConfig`, with the source of every key (`code` or `default`), as `loadConfig` reports them. */
export function defineLoadedConfig(input: ConfigInput = {}, options: DefineConfigOptions = {}): LoadedConfig {
  const layers = defaultLayers(options.cwd ?? process.cwd(), options.homeDir ?? os.homedir());
  const { values, sources } = layers;
  for (const [key, raw] of flattenInput(input)) {
    // Undefined means "not given", as an optional property does in TypeScript.
    if (raw === undefined) continue;
    values.set(key, checkFileValue(KEY_SPEC_BY_KEY.get(key)!, raw, 'code'));
    sources.set(key, 'code');
  }
  const config = finishConfig(layers);
  return Object.freeze({ config, sources: Object.freeze(Object.fromEntries(sources)), file: undefined });
}

/** Dotted keys of a nested input; unknown keys (a JavaScript caller's typo) are refused. */
function flattenInput(input: ConfigInput): Map<string, unknown> {
  if (!isPlainObject(input)) throw new ConfigError('defineConfig expects an object of config values');
  const flat = new Map<string, unknown>();
  for (const [name, value] of Object.entries(input)) {
    if (KEY_SPEC_BY_KEY.has(name)) {
      flat.set(name, value);
      continue;
    }
    if (!isSection(name)) throw unknownKeyError(name, 'given in code');
    if (value === undefined) continue;
    if (!isPlainObject(value)) {
      throw new ConfigError(`${name} given in code is invalid: expected an object of ${name}.* values`);
    }
    for (const [inner, innerValue] of Object.entries(value)) {
      const key = `${name}.${inner}`;
      if (!KEY_SPEC_BY_KEY.has(key)) throw unknownKeyError(key, 'given in code');
      flat.set(key, innerValue);
    }
  }
  return flat;
}

function isSection(name: string): boolean {
  return KEY_SPECS.some((spec) => spec.key.startsWith(`${name}.`));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
