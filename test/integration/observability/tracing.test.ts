import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TRACER_NAME, trackJob } from '../../../src/admin.js';
import { createTelemetry, Pool } from '../../../src/index.js';
import { testConfig } from '../../helpers/config.js';

const SECRET = 'SECRET-PARAM-7f3a';

/** What a host's SDK does with AsyncLocalStorage: the active span follows the async flow. */
class FlowContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

const exporter = new InMemorySpanExporter();

beforeAll(() => {
  context.setGlobalContextManager(new FlowContextManager());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
});

afterAll(() => {
  trace.disable();
  context.disable();
});

beforeEach(() => exporter.reset());

async function open(values: Record<string, string | number | boolean> = {}) {
  const config = await testConfig({ database_path: ':memory:', ...values });
  const telemetry = await createTelemetry(config);
  return { telemetry, pool: await Pool.open({ config, observer: telemetry }) };
}

function spanNamed(name: string): ReadableSpan {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (!span) throw new Error(`no span ${name} in ${exporter.getFinishedSpans().map((s) => s.name)}`);
  return span;
}

/** Everything a span carries that an exporter would send. */
function exported(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    status: span.status,
    events: span.events,
  });
}

describe('tracing', () => {
  it('wraps every statement in a client span with db attributes and never a bound value', async () => {
    const { pool } = await open();
    try {
      await pool.withWriter(async (db) => {
        await db.run('CREATE TABLE orders (id VARCHAR, note VARCHAR)');
        await db.run('INSERT INTO orders VALUES (?, ?)', ['o-1', SECRET], { table: 'orders' });
      });
      await pool.withReader((db) =>
        db.all('SELECT * FROM orders WHERE note = ?', [SECRET], { table: 'orders' }),
      );
    } finally {
      await pool.close();
    }
    const insert = spanNamed('insert orders');
    expect(insert.kind).toBe(SpanKind.CLIENT);
    expect(insert.instrumentationScope.name).toBe(TRACER_NAME);
    expect(insert.attributes).toMatchObject({
      'db.system': 'duckdb',
      'db.operation': 'insert',
      'db.sql.table': 'orders',
      'db.statement': 'INSERT INTO orders VALUES (?, ?)',
      'tradedb.role': 'writer',
      'tradedb.rows': 1,
    });
    expect(spanNamed('select orders').attributes).toMatchObject({
      'db.operation': 'select',
      'tradedb.role': 'reader',
      'tradedb.rows': 1,
    });
    expect(spanNamed('create').attributes['db.sql.table']).toBeUndefined();
    for (const span of exporter.getFinishedSpans()) expect(exported(span)).not.toContain(SECRET);
  });

  it('marks a failed statement with its error code, not its message (which can quote a value)', async () => {
    const { pool } = await open();
    try {
      const failing = pool.withReader((db) => db.all('SELECT CAST(? AS INTEGER) AS n', [SECRET]));
      // DuckDB's own message does quote the value: the span must not.
      await expect(failing).rejects.toThrow(SECRET);
    } finally {
      await pool.close();
    }
    const span = spanNamed('select');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'VALIDATION' });
    expect(span.attributes['error.type']).toBe('VALIDATION');
    expect(exported(span)).not.toContain(SECRET);
  });

  it('wraps a job in a span that the statements of the job are children of', async () => {
    const { telemetry, pool } = await open();
    try {
      await trackJob(
        telemetry,
        'export-partitions',
        () => pool.withReader((db) => db.all('SELECT 42 AS answer', undefined, { table: 'trades' })),
        (rows) => ({ rows: rows.length, bytes: 512 }),
      );
    } finally {
      await pool.close();
    }
    const job = spanNamed('tradedb export-partitions');
    expect(job.attributes).toMatchObject({
      'db.system': 'duckdb',
      'tradedb.job': 'export-partitions',
      'tradedb.rows': 1,
      'tradedb.bytes': 512,
    });
    expect(job.status.code).not.toBe(SpanStatusCode.ERROR);
    const statement = spanNamed('select trades');
    expect(statement.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
    expect(statement.spanContext().traceId).toBe(job.spanContext().traceId);
  });

  it('marks a failed job span as an error', async () => {
    const { telemetry, pool } = await open();
    await pool.close();
    await expect(
      trackJob(telemetry, 'restore', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(spanNamed('tradedb restore').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('creates no spans when enable_tracing is false', async () => {
    const { telemetry, pool } = await open({ 'observability.enable_tracing': false });
    try {
      await trackJob(telemetry, 'backup', () => pool.withReader((db) => db.all('SELECT 1')));
    } finally {
      await pool.close();
    }
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
