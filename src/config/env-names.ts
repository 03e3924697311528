import { closest } from 'fastest-levenshtein';
import { ConfigError } from '../errors.js';
import { ENV_ALIASES, envVarFor, KEY_SPECS } from './schema.js';

/**
 * `TRADEDB_*` variables that are not settings but are read by tradedb all
 * the same: the config file's path, the launcher, the test suites and
 * scripts. A new one is added here and in the README's Configuration.
 */
const OTHER_VARIABLES: readonly string[] = [
  'TRADEDB_CONFIG',
  'TRADEDB_LIB',
  'TRADEDB_RENDER_HELP',
  'TRADEDB_NO_FAST_PATH',
  'TRADEDB_NODE_CACHE',
  'TRADEDB_SOAK',
  'TRADEDB_KILL_POINTS',
  'TRADEDB_TIMED_KILLS',
  'TRADEDB_TEST_WORKERS',
];

/** Families of test-only variables (test seams, crash and fault harnesses, fuzzing). */
const OTHER_PREFIXES: readonly string[] = [
  'TRADEDB_TEST_',
  'TRADEDB_CRASH_',
  'TRADEDB_FUZZ_',
  'TRADEDB_FAULT_',
];

/** Every `TRADEDB_*` name that sets a config key. */
function settingNames(): string[] {
  return [...KEY_SPECS.map((spec) => envVarFor(spec.key)), ...Object.keys(ENV_ALIASES)];
}

function isKnown(name: string, settings: ReadonlySet<string>): boolean {
  return (
    settings.has(name) || OTHER_VARIABLES.includes(name) || OTHER_PREFIXES.some((p) => name.startsWith(p))
  );
}

/**
 * Refuses a `TRADEDB_*` variable that nothing reads, as an unknown key in
 * the config file is refused: `TRADEDB_POOL_MAX_READER=5` would otherwise
 * be ignored without a word. Empty variables count as unset, here too.
 */
export function checkEnvNames(env: Readonly<Record<string, string | undefined>>): void {
  const settings = new Set(settingNames());
  const unknown = Object.keys(env)
    .filter((name) => name.startsWith('TRADEDB_') && env[name] !== undefined && env[name] !== '')
    .filter((name) => !isKnown(name, settings))
    .sort();
  const first = unknown[0];
  if (first === undefined) return;
  const suggestion = closest(first, [...settings, ...OTHER_VARIABLES]);
  const others = unknown.length > 1 ? ` (and ${unknown.slice(1).join(', ')})` : '';
  throw new ConfigError(`unknown environment variable ${first}${others}: it is not a tradedb setting`, {
    hint: suggestion
      ? `did you mean ${suggestion}? (unset ${first} if it is meant for something else)`
      : 'config.example.toml lists every setting; its variable is TRADEDB_<SECTION>_<KEY>',
  });
}
