import { describe, expect, it } from 'vitest';
import { LIB, spawnScript } from '../helpers/bin.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Runs in a fresh process: test files share their workers' module caches
 * (vitest.config.ts), so another file may have loaded prom-client already.
 */
const SCRIPT = `
import { createRequire } from 'node:module';
const lib = await import(${JSON.stringify(LIB)});
const loaded = (name) => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(name));
const seen = () => ({ prom: loaded('prom-client'), otel: loaded('@opentelemetry/api') });
const steps = [];
const { config } = await lib.loadConfig({ noFile: true, env: {} });
steps.push(seen());
await lib.createTelemetry(config, { metrics: false, tracing: false });
steps.push(seen());
await lib.createTelemetry(config, { metrics: false });
steps.push(seen());
await lib.createTelemetry(config);
steps.push(seen());
process.stdout.write(JSON.stringify(steps));
`;

describe('loading the observability packages', () => {
  it('happens only when telemetry asks for metrics or spans', async () => {
    const run = await spawnScript(SCRIPT, { cwd: tempDir() }).done;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      { prom: false, otel: false },
      { prom: false, otel: false },
      { prom: false, otel: true },
      { prom: true, otel: true },
    ]);
  });
});
