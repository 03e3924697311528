import path from 'node:path';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRegisteredTracerProvider } from '../../src/admin.js';
import { Pool } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/temp.js';

// The default 1 s slow-query threshold could print a line on a very busy machine and make outputs differ.
const NO_SLOW_LOG = { TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: '86400000' };

afterAll(() => trace.disable());

describe('spans from the CLI', () => {
  it('are made only when an SDK is registered (as `node --import` would do), without changing the output', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'trading.duckdb');
    const pool = await Pool.open({ config: await testConfig({ database_path: db }) });
    await pool.withWriter((session) => session.run('CREATE TABLE t AS SELECT 1 AS x'));
    await pool.close();
    const argv = ['query', 'sql', 'select x from t', '--database', db, '--json'];

    expect(hasRegisteredTracerProvider()).toBe(false);
    const before = await cli(argv, { cwd: dir, env: NO_SLOW_LOG });

    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    expect(hasRegisteredTracerProvider()).toBe(true);
    const after = await cli(argv, { cwd: dir, env: NO_SLOW_LOG });

    expect(after).toEqual(before);
    expect(exporter.getFinishedSpans().map((span) => span.attributes)).toEqual([
      expect.objectContaining({
        'db.system': 'duckdb',
        'db.operation': 'select',
        'db.statement': 'select x from t',
      }),
    ]);

    const off = await cli(argv, {
      cwd: dir,
      env: { ...NO_SLOW_LOG, TRADEDB_OBSERVABILITY_ENABLE_TRACING: 'false' },
    });
    expect(off).toEqual(before);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });
});
