/**
 * Column catalogues: what the query builder whitelists, how filter text is
 * converted, and how rows map to models. One spec per table, matching the
 * migrations' column names and types.
 */

export type ColumnKind =
  | 'uuid'
  | 'text'
  | 'enum'
  | 'decimal'
  | 'timestamp'
  | 'bigint'
  | 'double'
  | 'date'
  | 'json';

export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  /** DuckDB's type name, as result columns report it. */
  readonly type: string;
  readonly nullable: boolean;
  /** The allowed values of an enum column. */
  readonly values?: readonly string[];
  /** Total digits of a decimal column (18 or 38). */
  readonly precision?: number;
}

export interface ModelSpec {
  /** Singular name used in messages ("order"). */
  readonly name: string;
  readonly table: string;
  readonly columns: readonly ColumnSpec[];
  /** Columns that identify a row; the last tie-breaker of every sort. */
  readonly key: readonly string[];
  /** The column lists sort by, newest first, unless told otherwise. */
  readonly timeColumn: string;
}

interface Options {
  nullable?: boolean;
}

/** Small constructors that keep the catalogues readable. */
export const col = {
  uuid: (name: string, options: Options = {}): ColumnSpec => ({
    name,
    kind: 'uuid',
    type: 'UUID',
    nullable: options.nullable ?? false,
  }),
  text: (name: string, options: Options = {}): ColumnSpec => ({
    name,
    kind: 'text',
    type: 'VARCHAR',
    nullable: options.nullable ?? false,
  }),
  double: (name: string): ColumnSpec => ({ name, kind: 'double', type: 'DOUBLE', nullable: false }),
  enum: (name: string, values: readonly string[]): ColumnSpec => ({
    name,
    kind: 'enum',
    type: 'VARCHAR',
    nullable: false,
    values,
  }),
  decimal: (name: string, options: Options & { precision?: 18 | 38 } = {}): ColumnSpec => ({
    name,
    kind: 'decimal',
    type: `DECIMAL(${options.precision ?? 18},8)`,
    nullable: options.nullable ?? false,
    precision: options.precision ?? 18,
  }),
  timestamp: (name: string, options: Options = {}): ColumnSpec => ({
    name,
    kind: 'timestamp',
    type: 'TIMESTAMP WITH TIME ZONE',
    nullable: options.nullable ?? false,
  }),
  bigint: (name: string): ColumnSpec => ({ name, kind: 'bigint', type: 'BIGINT', nullable: false }),
  date: (name: string): ColumnSpec => ({ name, kind: 'date', type: 'DATE', nullable: false }),
  json: (name: string): ColumnSpec => ({ name, kind: 'json', type: 'JSON', nullable: false }),
};

/** The spec of `name` in `model`, or undefined. */
export function findColumn(model: ModelSpec, name: string): ColumnSpec | undefined {
  return model.columns.find((column) => column.name === name);
}

/** `{ name, type }` pairs for renderers, in table order. */
export function resultColumns(model: ModelSpec): { name: string; type: string }[] {
  return model.columns.map((column) => ({ name: column.name, type: column.type }));
}

/** `a, b, c`: the model's columns for a SELECT list, in table order. */
export function selectList(model: ModelSpec, alias?: string): string {
  return model.columns.map((column) => (alias ? `${alias}.${column.name}` : column.name)).join(', ');
}
