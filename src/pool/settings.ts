import path from 'node:path';
import type { TradeDbConfig } from '../config/schema.js';
import { quoteLiteral } from '../sql/quote.js';
import { isInMemory } from './instance-cache.js';

/** Settings given when the instance is created (they are global to it). */
export function instanceSettings(config: TradeDbConfig): Record<string, string> {
  const settings: Record<string, string> = {
    threads: String(config.performance.num_threads),
    memory_limit: `${config.performance.memory_limit_mb}MB`,
    // Nothing may be downloaded at run time: parquet, json and icu are built in.
    autoinstall_known_extensions: 'false',
    // TimeZone cannot be given here: ICU is not loaded yet when the instance reads its options.
  };
  const temp = tempDirectory(config);
  if (temp) settings['temp_directory'] = temp;
  return settings;
}

/** `performance.temp_directory`, or `<database_path>.tmp` when it is empty. */
export function tempDirectory(config: TradeDbConfig): string | undefined {
  if (config.performance.temp_directory !== '') return config.performance.temp_directory;
  if (isInMemory(config.database_path)) return undefined;
  return `${config.database_path}.tmp`;
}

/** What connectionSettings SETs, fixed instance-wide on a sandboxed instance (whose configuration is locked). */
export const SANDBOX_SESSION_SETTINGS: Readonly<Record<string, string>> = { TimeZone: 'UTC' };

/** Statements run on every new connection. */
export function connectionSettings(config: TradeDbConfig, databaseDir: string): string[] {
  const statements = ["SET TimeZone = 'UTC'"];
  if (config.performance.enable_profiling) {
    const output = isInMemory(config.database_path)
      ? path.join(databaseDir, 'tradedb-profile.json')
      : `${config.database_path}.profile.json`;
    statements.push("SET enable_profiling = 'json'", `SET profiling_output = ${quoteLiteral(output)}`);
  }
  return statements;
}
