import path from 'node:path';
import type { TradeDbConfig } from './schema.js';
import { KEY_SPECS } from './schema.js';
import { type ConfigSource, type ConfigValue, checkCrossFieldRules } from './validate.js';

/** Every key's value and source, and the folder its relative path (if any) is resolved against. */
export interface ConfigLayers {
  values: Map<string, ConfigValue>;
  sources: Map<string, ConfigSource>;
  baseDirs: Map<string, string>;
  homeDir: string;
}

/** Every key at its default, relative paths against `cwd`: the first layer of every config. */
export function defaultLayers(cwd: string, homeDir: string): ConfigLayers {
  const layers: ConfigLayers = { values: new Map(), sources: new Map(), baseDirs: new Map(), homeDir };
  for (const spec of KEY_SPECS) {
    layers.values.set(spec.key, spec.default);
    layers.sources.set(spec.key, 'default');
    layers.baseDirs.set(spec.key, cwd);
  }
  return layers;
}

/**
 * The last steps every way of building a config shares (file + env + flags,
 * or code): the cross-field rules, absolute paths, and the frozen object.
 */
export function finishConfig(layers: ConfigLayers): TradeDbConfig {
  const { values, sources, baseDirs, homeDir } = layers;
  checkCrossFieldRules(values, sources);
  for (const spec of KEY_SPECS) {
    if (spec.type.kind !== 'path') continue;
    const value = values.get(spec.key) as string;
    // Only the database may be ":memory:"; for any other path it is an ordinary (odd) file name.
    if (spec.key === 'database_path' && value === ':memory:') continue;
    values.set(spec.key, resolvePath(value, baseDirs.get(spec.key)!, homeDir));
  }
  return buildConfig(values);
}

function resolvePath(value: string, baseDir: string, homeDir: string): string {
  if (value === '') return value;
  if (value === '~') return homeDir;
  if (value.startsWith('~/')) return path.join(homeDir, value.slice(2));
  return path.resolve(baseDir, value);
}

/** Turns dotted keys into the nested, deeply frozen config object. */
function buildConfig(values: Map<string, ConfigValue>): TradeDbConfig {
  const root: Record<string, unknown> = {};
  for (const [key, value] of values) {
    const [first, second] = key.split('.') as [string, string | undefined];
    if (second === undefined) {
      root[first] = value;
    } else {
      root[first] ??= {};
      (root[first] as Record<string, unknown>)[second] = value;
    }
  }
  for (const section of Object.values(root)) if (typeof section === 'object') Object.freeze(section);
  return Object.freeze(root) as unknown as TradeDbConfig;
}
