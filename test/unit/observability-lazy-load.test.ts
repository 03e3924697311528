import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const loaded = (name: string) =>
  Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(name));

describe('loading the observability packages', () => {
  it('happens only when telemetry asks for metrics or spans', async () => {
    const lib = await import('../../src/index.js');
    const { config } = await lib.loadConfig({ noFile: true, env: {} });
    expect(loaded('prom-client')).toBe(false);
    expect(loaded('@opentelemetry/api')).toBe(false);

    await lib.createTelemetry(config, { metrics: false, tracing: false });
    expect(loaded('prom-client')).toBe(false);
    expect(loaded('@opentelemetry/api')).toBe(false);

    await lib.createTelemetry(config, { metrics: false });
    expect(loaded('@opentelemetry/api')).toBe(true);
    expect(loaded('prom-client')).toBe(false);

    await lib.createTelemetry(config);
    expect(loaded('prom-client')).toBe(true);
  });
});
