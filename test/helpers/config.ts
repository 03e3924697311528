import { type LoadedConfig, loadConfig, type TradeDbConfig } from '../../src/index.js';

/** A config from defaults plus the given dotted keys, without any file or environment. */
export async function testConfig(
  values: Record<string, string | number | boolean>,
  cwd = process.cwd(),
): Promise<TradeDbConfig> {
  return (await loadTestConfig(values, cwd)).config;
}

export function loadTestConfig(
  values: Record<string, string | number | boolean>,
  cwd = process.cwd(),
): Promise<LoadedConfig> {
  return loadConfig({
    cwd,
    env: {},
    noFile: true,
    overrides: Object.entries(values).map(([key, value]) => ({ key, value, flag: 'test' })),
  });
}
