import path from 'node:path';
import { replaceFileAtomically } from '../fs/atomic-write.js';
import type { ColdTierFiles } from './fs.js';
import { MANIFEST_NAME, manifestTempPath, partitionDir, tableDir } from './layout.js';
import type { ExportedFile, LedgerEntry } from './ledger.js';
import type { PartitionedTableSpec } from './tables.js';

/** One partition in `_manifest.json`. */
export interface ManifestPartition {
  date: string;
  /** Relative to the table's folder. */
  path: string;
  files: ExportedFile[];
  rows: number;
  bytes: number;
  sha256: string;
  min_time: string | null;
  max_time: string | null;
  schema_version: string;
  exported_at: string;
  /** True when the database no longer holds these rows: this Parquet is the only copy. */
  retired: boolean;
}

/** `<root>/<table>/_manifest.json`: what the cold tier holds for one table, for people and other engines. */
export interface TableManifest {
  format: 'tradedb-cold-tier/1';
  table: string;
  time_column: string;
  sort_order: readonly string[];
  layout: string;
  partitions: ManifestPartition[];
}

/**
 * The manifest is a pure function of the ledger rows that point into this
 * root, so a run that changed nothing produces the same bytes and writes
 * nothing, and a run after a crash between ledger and manifest repairs it.
 */
export function buildManifest(
  root: string,
  spec: PartitionedTableSpec,
  ledger: readonly LedgerEntry[],
): TableManifest {
  const dir = tableDir(root, spec.table);
  const partitions = ledger
    .filter(
      (entry) =>
        entry.table === spec.table && path.resolve(entry.path) === partitionDir(root, spec.table, entry.date),
    )
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((entry) => ({
      date: entry.date,
      path: path.relative(dir, entry.path),
      files: entry.files,
      rows: entry.rows,
      bytes: entry.bytes,
      sha256: entry.sha256,
      min_time: entry.min_time,
      max_time: entry.max_time,
      schema_version: entry.schema_version,
      exported_at: entry.exported_at,
      retired: entry.retired_at !== null,
    }));
  return {
    format: 'tradedb-cold-tier/1',
    table: spec.table,
    time_column: spec.timeColumn,
    sort_order: spec.sortColumns,
    layout: `date=YYYY-MM-DD/${spec.table}-YYYY-MM-DD.parquet`,
    partitions,
  };
}

/**
 * Writes the table's manifest if its content changed: temp file, fsync,
 * rename over the old one, fsync the folder. Returns whether it wrote.
 */
export async function syncManifest(
  fs: ColdTierFiles,
  root: string,
  spec: PartitionedTableSpec,
  ledger: readonly LedgerEntry[],
): Promise<boolean> {
  const manifest = buildManifest(root, spec, ledger);
  const target = path.join(tableDir(root, spec.table), MANIFEST_NAME);
  const existing = await fs.readText(target);
  if (existing === undefined && manifest.partitions.length === 0) return false;
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  if (existing === text) return false;
  await fs.mkdir(tableDir(root, spec.table));
  await replaceFileAtomically(fs, manifestTempPath(root, spec.table), target, text);
  return true;
}
