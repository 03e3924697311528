import {
  AlreadyExistsError,
  ConfigError,
  ConnectionTimeoutError,
  DatabaseLockedError,
  DiskFullError,
  type ErrorCode,
  type ErrorOptions,
  type FixCode,
  IntegrityError,
  InternalError,
  InterruptedError,
  IoError,
  MigrationFailedError,
  NotFoundError,
  PartitionNotFoundError,
  QueryTimeoutError,
  TradeDbError,
  UsageError,
  ValidationError,
  WriteConflictError,
} from '../errors.js';

/**
 * Values on the admin endpoint's wire: JSON, with the two kinds JSON loses
 * tagged so that both ends hold the same values. A BIGINT beyond 2^53 keeps
 * every digit (`{"$bigint":"…"}`), a Date stays a Date (`{"$date":"…"}`).
 * What a command prints from a routed answer is then what it prints from
 * its own: the values it renders are equal.
 */
export type WireValue = string | number | boolean | null | WireValue[] | { [key: string]: WireValue };

const BIGINT = '$bigint';
const DATE = '$date';
const NUMBER = '$number';
/** Wraps a data object that would read as a tag (one member named like `$date`). */
const OBJECT = '$object';

/** A value for the wire; `undefined` object members are dropped, as JSON does. */
export function toWire(value: unknown): WireValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : { [NUMBER]: String(value) };
    case 'bigint':
      return { [BIGINT]: value.toString() };
    case 'object':
      break;
    default:
      throw new InternalError(`cannot send a ${typeof value} over the admin endpoint`);
  }
  if (value instanceof Date) return { [DATE]: value.toISOString() };
  if (Array.isArray(value)) return value.map(toWire);
  const out: { [key: string]: WireValue } = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = toWire(item);
  }
  const keys = Object.keys(out);
  return keys.length === 1 && keys[0]!.startsWith('$') ? { [OBJECT]: out } : out;
}

/** The value `toWire` was given back (Dates and bigints included). */
export function fromWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromWire);
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, item] = entries[0]!;
    if (typeof item === 'string') {
      if (key === BIGINT) return BigInt(item);
      if (key === DATE) return new Date(item);
      if (key === NUMBER) return Number(item);
    }
    if (key === OBJECT && item !== null && typeof item === 'object' && !Array.isArray(item)) {
      return membersFromWire(Object.entries(item));
    }
  }
  return membersFromWire(entries);
}

function membersFromWire(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) out[key] = fromWire(item);
  return out;
}

/** An error as the endpoint sends it: enough to throw the same typed error on the other side. */
export interface WireError {
  code: ErrorCode;
  message: string;
  hint?: string;
  fix?: FixCode;
  retryable: boolean;
  /** DatabaseLockedError's pid. */
  pid?: number;
  /** MigrationFailedError's report. */
  report?: WireValue;
}

/** Any thrown value as a WireError; what is not a TradeDbError is an internal error. */
export function errorToWire(error: unknown): WireError {
  const typed =
    error instanceof TradeDbError
      ? error
      : new InternalError(`internal error: ${error instanceof Error ? error.message : String(error)}`, {
          hint: 'this is a bug in tradedb; the serving process has the details',
        });
  return {
    code: typed.code,
    message: typed.message,
    ...(typed.hint ? { hint: typed.hint } : {}),
    ...(typed.fix ? { fix: typed.fix } : {}),
    retryable: typed.retryable,
    ...(typed instanceof DatabaseLockedError && typed.pid !== undefined ? { pid: typed.pid } : {}),
    ...(typed instanceof MigrationFailedError && typed.report ? { report: toWire(typed.report) } : {}),
  };
}

type ErrorClass = new (message: string, options?: ErrorOptions) => TradeDbError;

const CLASSES: Record<Exclude<ErrorCode, 'DATABASE_LOCKED'>, ErrorClass> = {
  CONNECTION_TIMEOUT: ConnectionTimeoutError,
  QUERY_TIMEOUT: QueryTimeoutError,
  WRITE_CONFLICT: WriteConflictError,
  DISK_FULL: DiskFullError,
  MIGRATION_FAILED: MigrationFailedError,
  PARTITION_NOT_FOUND: PartitionNotFoundError,
  VALIDATION: ValidationError,
  USAGE: UsageError,
  NOT_FOUND: NotFoundError,
  ALREADY_EXISTS: AlreadyExistsError,
  CONFIG: ConfigError,
  INTEGRITY: IntegrityError,
  IO: IoError,
  INTERRUPTED: InterruptedError,
  INTERNAL: InternalError,
};

/** The typed error a WireError stands for (an unknown code is an internal error). */
export function errorFromWire(wire: WireError): TradeDbError {
  const options: ErrorOptions = {
    ...(wire.hint ? { hint: wire.hint } : {}),
    ...(wire.fix ? { fix: wire.fix } : {}),
  };
  if (wire.code === 'DATABASE_LOCKED') return new DatabaseLockedError(wire.message, wire.pid, options);
  const ErrorType = CLASSES[wire.code] ?? InternalError;
  const error = new ErrorType(String(wire.message), options);
  if (error instanceof MigrationFailedError && wire.report !== undefined) {
    Object.defineProperty(error, 'report', { value: fromWire(wire.report), enumerable: true });
  }
  return error;
}
