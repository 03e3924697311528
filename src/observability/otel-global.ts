// Kept free of imports: naming the scope or asking whether an SDK is there must not load @opentelemetry/api.

/** The instrumentation scope name of tradedb's spans, for a host's SDK to filter on. */
export const TRACER_NAME = 'tradedb';

// Where @opentelemetry/api 1.x keeps its process-wide registrations, shared by every copy of the API.
const OTEL_API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

/**
 * Whether a tracer provider (an OpenTelemetry SDK) is registered in this
 * process, checked without loading the API. A short-lived process such as
 * the CLI can only get one from a preload (`node --import ./otel.js`), so if
 * none is there at start-up, every span would be a no-op.
 */
export function hasRegisteredTracerProvider(): boolean {
  const globals = (globalThis as Record<symbol, { trace?: unknown } | undefined>)[OTEL_API_GLOBALS];
  return globals?.trace !== undefined;
}
