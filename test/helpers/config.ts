import {
  type ConfigInput,
  defineLoadedConfig,
  type LoadedConfig,
  type TradeDbConfig,
} from '../../src/index.js';

/** A config from defaults plus the given dotted keys, without any file or environment. */
export async function testConfig(
  values: Record<string, string | number | boolean>,
  cwd = process.cwd(),
): Promise<TradeDbConfig> {
  return (await loadTestConfig(values, cwd)).config;
}

export async function loadTestConfig(
  values: Record<string, string | number | boolean>,
  cwd = process.cwd(),
): Promise<LoadedConfig> {
  return defineLoadedConfig(nested(values), { cwd });
}

/** `{ 'pool.max_readers': 4 }` -> `{ pool: { max_readers: 4 } }`, the shape defineConfig takes. */
function nested(values: Record<string, string | number | boolean>): ConfigInput {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const [first, second] = key.split('.') as [string, string | undefined];
    if (second === undefined) root[first] = value;
    else root[first] = { ...(root[first] as object | undefined), [second]: value };
  }
  return root as ConfigInput;
}
