import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { checkEnvNames } from './env-names.js';
import { findConfigFile } from './file.js';
import { defaultLayers, finishConfig } from './finish.js';
import { ENV_ALIASES, envVarFor, KEY_SPEC_BY_KEY, KEY_SPECS, type TradeDbConfig } from './schema.js';
import {
  type ConfigSource,
  type ConfigValue,
  checkFileValue,
  flattenFileConfig,
  parseTextValue,
} from './validate.js';

/** A value given on the command line, e.g. `--database` for `database_path`. */
export interface ConfigOverride {
  key: string;
  value: ConfigValue;
  /** The flag's name without dashes, used as the source `flag:--<name>`. */
  flag: string;
}

/** Which files, environment and overrides `loadConfig` reads. */
export interface LoadConfigOptions {
  /** Folder for the upward search and for relative paths from env and flags. Default: process.cwd(). */
  cwd?: string;
  /** Environment to read `TRADEDB_*` from. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** An explicit config file (`--config`); otherwise `TRADEDB_CONFIG`, otherwise the search. */
  configPath?: string;
  /** Command-line values, highest precedence. */
  overrides?: readonly ConfigOverride[];
  /** Home folder for `~` and `~/.config/tradedb/config.toml`. Default: os.homedir(). */
  homeDir?: string;
  /** Skip the file search entirely (library users who pass every value). */
  noFile?: boolean;
}

/** A validated config and where each of its values came from. */
export interface LoadedConfig {
  readonly config: TradeDbConfig;
  /** Source of every dotted key. */
  readonly sources: Readonly<Record<string, ConfigSource>>;
  /** The config file used, if any. */
  readonly file: string | undefined;
}

/**
 * Builds the effective configuration: flags > environment > file > defaults.
 * Every value is validated; any problem is a ConfigError naming the key or
 * variable, the value and what was expected.
 *
 * @example
 * const { config } = await loadConfig({ overrides: [{ key: 'database_path', value: ':memory:', flag: 'database' }] });
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const homeDir = options.homeDir ?? os.homedir();
  const layers = defaultLayers(cwd, homeDir);
  const { values, sources, baseDirs } = layers;

  checkEnvNames(env);
  const envConfig = nonEmpty(env['TRADEDB_CONFIG']);
  const explicitPath = options.configPath ?? envConfig;
  const found = options.noFile
    ? undefined
    : await findConfigFile({
        cwd,
        explicitPath,
        explicitSource: options.configPath !== undefined ? '--config' : 'TRADEDB_CONFIG',
        homeDir,
      });
  if (found) {
    const source: ConfigSource = `file:${found.file}`;
    for (const [key, raw] of flattenFileConfig(found.document, found.file)) {
      values.set(key, checkFileValue(KEY_SPEC_BY_KEY.get(key)!, raw, source));
      sources.set(key, source);
      baseDirs.set(key, path.dirname(found.file));
    }
  }

  for (const [variable, key] of Object.entries(ENV_ALIASES)) applyEnv(variable, key);
  for (const spec of KEY_SPECS) applyEnv(envVarFor(spec.key), spec.key);

  for (const override of options.overrides ?? []) {
    const spec = KEY_SPEC_BY_KEY.get(override.key);
    if (!spec) throw new ConfigError(`unknown config key ${override.key} given by --${override.flag}`);
    const source: ConfigSource = `flag:--${override.flag}`;
    const value =
      typeof override.value === 'string'
        ? parseTextValue(spec, override.value, source)
        : checkFileValue(spec, override.value, source);
    values.set(spec.key, value);
    sources.set(spec.key, source);
    baseDirs.set(spec.key, cwd);
  }

  const config = finishConfig(layers);
  return Object.freeze({
    config,
    sources: Object.freeze(Object.fromEntries(sources)),
    file: found?.file,
  });

  function applyEnv(variable: string, key: string): void {
    const text = nonEmpty(env[variable]);
    if (text === undefined) return;
    const source: ConfigSource = `env:${variable}`;
    values.set(key, parseTextValue(KEY_SPEC_BY_KEY.get(key)!, text, source));
    sources.set(key, source);
    baseDirs.set(key, cwd);
  }
}

/** An empty environment variable counts as unset. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The value of a dotted key in a config object. */
export function configValue(config: TradeDbConfig, key: string): ConfigValue {
  const [first, second] = key.split('.') as [string, string | undefined];
  const top = (config as unknown as Record<string, unknown>)[first];
  return (second === undefined ? top : (top as Record<string, unknown>)[second]) as ConfigValue;
}
