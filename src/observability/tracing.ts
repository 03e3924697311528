import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { TOOL_VERSION } from '../version.js';
import type { JobEnd, JobOutcome, StatementInfo, StatementOutcome } from './observer.js';
import { TRACER_NAME } from './otel-global.js';
import { loggedSql } from './slow-log.js';

/**
 * OpenTelemetry spans around statements and jobs, through the API only:
 * nothing is exported unless the host registers an SDK, and without one
 * every call is the API's no-op (no ids, no clock reads).
 *
 * Attributes: `db.system=duckdb`, `db.operation`, `db.sql.table`,
 * `db.statement` (the SQL text, which holds placeholders, never values),
 * `tradedb.role`; at the end `tradedb.rows` and, on failure, `error.type`
 * (the error code, never the message: DuckDB messages can quote values).
 */
export class Tracing {
  // A ProxyTracer: an SDK registered after this point still receives the spans.
  private readonly tracer: Tracer = trace.getTracer(TRACER_NAME, TOOL_VERSION);

  startStatement(info: StatementInfo): Span {
    const attributes: Attributes = {
      'db.system': 'duckdb',
      'db.operation': info.operation,
      'db.statement': loggedSql(info.sql),
      'tradedb.role': info.role,
    };
    if (info.table !== undefined) attributes['db.sql.table'] = info.table;
    const name = info.table === undefined ? info.operation : `${info.operation} ${info.table}`;
    return this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  }

  endStatement(span: Span, outcome: StatementOutcome): void {
    if (span.isRecording()) {
      span.setAttribute('tradedb.rows', outcome.rows);
      if (outcome.error) {
        span.setAttribute('error.type', outcome.error.code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error.code });
      }
    }
    span.end();
  }

  /**
   * A span for a job; the returned `within` runs the job's work with that
   * span active, so statement spans nest under it when the host's SDK has a
   * context manager.
   */
  startJob(job: string): { span: Span; within: JobEnd['within'] } {
    const span = this.tracer.startSpan(`tradedb ${job}`, {
      kind: SpanKind.INTERNAL,
      attributes: { 'db.system': 'duckdb', 'tradedb.job': job },
    });
    const active = trace.setSpan(context.active(), span);
    return { span, within: (work) => context.with(active, work) };
  }

  endJob(span: Span, outcome: Omit<JobOutcome, 'job' | 'durationMs'>): void {
    if (span.isRecording()) {
      if (outcome.rows !== undefined) span.setAttribute('tradedb.rows', outcome.rows);
      if (outcome.bytes !== undefined) span.setAttribute('tradedb.bytes', outcome.bytes);
      if (!outcome.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: 'job failed' });
    }
    span.end();
  }
}
