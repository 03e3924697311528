/** What `tradedb import` loads: the name on the command line, not the table name. */
export const IMPORT_KINDS = ['ticks', 'orders', 'trades'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** File formats DuckDB reads for an import, chosen by the file's extension. */
export type ImportFormat = 'csv' | 'parquet';

export interface ImportProgress {
  /** `validate` while reading and checking the file, `load` while writing. */
  phase: 'validate' | 'load';
  done: number;
  total: number;
}

export interface ImportOptions {
  kind: ImportKind;
  /** A `.csv` (also `.csv.gz`, `.csv.zst`) or `.parquet` file with a header naming the table's columns. */
  file: string;
  /**
   * What messages and the result call the file (default: its resolved
   * path): a service importing an uploaded copy names the sender's file.
   */
  displayName?: string;
  /** Validate every row and report; write nothing. Works on a read-only pool. */
  dryRun?: boolean;
  /** Also write every reject to this CSV file (replaced atomically; header-only when nothing was rejected). */
  rejectsFile?: string;
  /** How many rejects `ImportResult.rejects` carries (default 10); the count and the rejects file have all. */
  reportLimit?: number;
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Aborting it cancels the import: the statement running on its session is
   * interrupted (not the pool's others), the load rolls back, staging tables
   * are dropped, and it rejects with InterruptedError.
   */
  signal?: AbortSignal;
}

/**
 * One rejected record. `line` is the file line where it starts (CSV; the
 * header is line 1, and a quoted field with line breaks makes a record span
 * several lines); `row` is its position among the data records (1 = first).
 */
export interface ImportReject {
  row: number | null;
  line: number | null;
  /** Every problem of the record, `; `-separated, each naming its column. */
  message: string;
}

/** What an import did, or would do with `dryRun`. Nothing is written unless `rows_rejected` is 0. */
export interface ImportResult {
  kind: ImportKind;
  table: string;
  file: string;
  format: ImportFormat;
  dry_run: boolean;
  /** Data records in the file. */
  rows_read: number;
  rows_rejected: number;
  /** The first rejects, in file order. */
  rejects: ImportReject[];
  /** Rows written per table (trades also move their orders and positions); empty when nothing was written. */
  loaded: Record<string, number>;
  rejects_file: string | null;
  duration_ms: number;
}
