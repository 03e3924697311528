import path from 'node:path';
import type { Pool } from '../pool/pool.js';
import { ageInDays, utcDay } from './days.js';
import { type DiscoveredTable, discover } from './discover.js';
import { type BatchOutcome, batchesOf, exportBatch } from './export-batch.js';
import type { ExportSettings } from './export-partition.js';
import { NODE_PARTITION_FS, type PartitionFs, typedFs } from './fs.js';
import type { ExportPartitionsOptions } from './job.js';
import { dayOfPartitionDir, MANIFEST_NAME, removeLeftovers, tableDir } from './layout.js';
import { readLedger, schemaVersion } from './ledger.js';
import { syncManifest } from './manifest.js';
import { type ExportOutcome, type PlannedItem, type PlanScope, planExports, planRetention } from './plan.js';
import {
  asTyped,
  type ExportReport,
  elapsed,
  key,
  type PartitionResult,
  resultOf,
  runStep,
  type StepDone,
  sum,
} from './results.js';
import { expirePartition, retirePartition } from './retention.js';
import type { PartitionedTableSpec } from './tables.js';
import { tierOf } from './tiers.js';

/** Which phases a run has, and the job name it reports to the observer. */
export interface JobKind {
  job: string;
  exports: boolean;
  retention: boolean;
}

/** One run of the job: discovery, plan, exports, retention, manifests. */
export class Run {
  private readonly started = performance.now();
  private readonly now: Date;
  private readonly fs: PartitionFs;
  private readonly results: PartitionResult[] = [];
  private readonly leftovers: string[] = [];
  private readonly manifests: string[] = [];

  constructor(
    private readonly pool: Pool,
    private readonly options: ExportPartitionsOptions,
    private readonly kind: JobKind,
    private readonly specs: readonly PartitionedTableSpec[],
    private readonly scope: PlanScope,
  ) {
    this.now = options.now ?? new Date();
    this.fs = typedFs(options.fs ?? NODE_PARTITION_FS);
  }

  /** The dry run: every step with status planned (or skipped), nothing written. */
  async plan(): Promise<ExportReport> {
    const tables = await this.discover();
    const exports = this.kind.exports ? planExports(tables, this.scope) : [];
    const planned = new Set(exports.filter((i) => i.action === 'export').map((i) => key(i.table, i.date)));
    const retention = this.kind.retention
      ? planRetention(
          tables,
          this.scope,
          (table, date) => (planned.has(key(table, date)) ? { status: 'planned' } : undefined),
          await this.expiredOnDisk(),
        )
      : [];
    for (const item of [...exports, ...retention]) {
      this.results.push(resultOf(item, item.action === 'skip' ? 'skipped' : 'planned'));
    }
    return this.report(true);
  }

  async execute(): Promise<ExportReport> {
    const tables = await this.discover();
    const byName = new Map(tables.map((table) => [table.spec.table as string, table]));
    for (const spec of this.specs)
      this.leftovers.push(...(await removeLeftovers(this.fs, this.scope.root, spec.table)));

    const outcomes = new Map<string, ExportOutcome>();
    if (this.kind.exports) {
      const items = planExports(tables, this.scope);
      const settings: ExportSettings = {
        pool: this.pool,
        fs: this.fs,
        root: this.scope.root,
        compression: this.pool.config.export.compression,
        rowGroupSize: this.pool.config.export.row_group_size,
        schemaVersion: await this.pool.withReader((session) => schemaVersion(session)),
        now: this.now,
        afterStep: this.options.afterStep,
      };
      await this.exportInBatches(items, byName, settings, outcomes);
    }

    if (this.kind.retention) {
      const items = planRetention(
        tables,
        this.scope,
        (table, date) => outcomes.get(key(table, date)),
        await this.expiredOnDisk(),
      );
      await this.each('retention', items, async (item) => {
        const table = byName.get(item.table)!;
        if (item.action === 'retire') {
          const rows = await retirePartition(this.pool, this.fs, table, item.ledger!, this.now);
          return { rows, bytes: null, path: item.ledger!.path };
        }
        const rows = await expirePartition(this.pool, this.fs, table, item.date, item.folders);
        return { rows, bytes: null, path: item.path };
      });
    }

    await this.syncManifests();
    return this.report(false);
  }

  private discover(): Promise<DiscoveredTable[]> {
    return this.pool.withReader((session) =>
      discover(session, this.specs, this.now, this.pool.config.retention),
    );
  }

  /**
   * Exports the planned partitions in batches of consecutive days of one
   * table (export-batch.ts); skips are reported as they come. Progress gets
   * each batch's start and end events together, in plan order.
   */
  private async exportInBatches(
    items: readonly PlannedItem[],
    byName: ReadonlyMap<string, DiscoveredTable>,
    settings: ExportSettings,
    outcomes: Map<string, ExportOutcome>,
  ): Promise<void> {
    const emit = this.options.onEvent ?? (() => {});
    const total = items.length;
    emit({ type: 'phase', phase: 'export', total });
    const indexOf = new Map(items.map((item, index) => [item, index]));
    const finish = (item: PlannedItem, result: PartitionResult) => {
      this.results.push(result);
      emit({ type: 'end', index: indexOf.get(item)!, total, result });
    };
    for (const group of groupsOf(items)) {
      if (group[0]!.action === 'skip') {
        for (const item of group) {
          emit({ type: 'start', index: indexOf.get(item)!, total, item });
          finish(item, resultOf(item, 'skipped'));
        }
        continue;
      }
      for (const batch of batchesOf(group)) {
        const started = performance.now();
        for (const item of batch) emit({ type: 'start', index: indexOf.get(item)!, total, item });
        const table = byName.get(batch[0]!.table)!;
        let done: Map<string, BatchOutcome>;
        try {
          done = await exportBatch(
            settings,
            table,
            batch.map((item) => item.date),
          );
        } catch (error) {
          const typed = asTyped(error);
          if (typed.code === 'INTERRUPTED') throw typed;
          done = new Map(batch.map((item) => [item.date, { status: 'failed', error: typed }]));
        }
        // The batch's time, shared out by rows: what each partition cost, roughly.
        const ms = elapsed(started);
        const rows = Math.max(1, sum(batch.map((item) => item.rows)));
        for (const item of batch) {
          const outcome = done.get(item.date) ?? { status: 'failed', error: new Error('not exported') };
          const duration_ms = Math.round((ms * item.rows) / rows);
          outcomes.set(
            key(item.table, item.date),
            outcome.status === 'done' ? outcome : { status: 'failed' },
          );
          if (outcome.status === 'done') {
            const { entry } = outcome;
            finish(item, {
              ...resultOf(item, 'done'),
              rows: entry.rows,
              bytes: entry.bytes,
              path: entry.path,
              duration_ms,
            });
          } else if (outcome.status === 'skipped') {
            finish(item, { ...resultOf(item, 'skipped'), reason: outcome.reason, duration_ms });
          } else {
            finish(item, {
              ...resultOf(item, 'failed'),
              rows: 0,
              error: asTyped(outcome.error),
              duration_ms,
            });
          }
        }
      }
    }
  }

  /** Runs the items one by one; a failure is recorded and the next item runs, unless the run was interrupted. */
  private async each(
    phase: 'export' | 'retention',
    items: readonly PlannedItem[],
    work: (item: PlannedItem) => Promise<StepDone>,
  ): Promise<void> {
    const emit = this.options.onEvent ?? (() => {});
    emit({ type: 'phase', phase, total: items.length });
    for (const [index, item] of items.entries()) {
      emit({ type: 'start', index, total: items.length, item });
      const result = item.action === 'skip' ? resultOf(item, 'skipped') : await runStep(item, work);
      this.results.push(result);
      emit({ type: 'end', index, total: items.length, result });
    }
  }

  /** Rewrites each table's manifest from the ledger when it differs (after a crash, too). */
  private async syncManifests(): Promise<void> {
    const ledger = await this.pool.withReader((session) =>
      readLedger(
        session,
        this.specs.map((spec) => spec.table),
      ),
    );
    for (const spec of this.specs) {
      const started = performance.now();
      try {
        if (await syncManifest(this.fs, this.scope.root, spec, ledger)) {
          this.manifests.push(path.join(tableDir(this.scope.root, spec.table), MANIFEST_NAME));
        }
      } catch (error) {
        const typed = asTyped(error);
        if (typed.code === 'INTERRUPTED') throw typed;
        this.results.push({
          table: spec.table,
          date: null,
          tier: null,
          action: 'manifest',
          status: 'failed',
          rows: 0,
          bytes: null,
          path: path.join(tableDir(this.scope.root, spec.table), MANIFEST_NAME),
          reason: 'the manifest could not be written; the previous one stays, and the next run rewrites it',
          duration_ms: elapsed(started),
          error: typed,
        });
      }
    }
  }

  /** Expired `date=` folders under the root, per table (they may predate the ledger). */
  private async expiredOnDisk(): Promise<Map<string, string[]>> {
    const today = utcDay(this.now);
    const found = new Map<string, string[]>();
    for (const spec of this.specs) {
      const days = (await this.fs.readdir(tableDir(this.scope.root, spec.table)))
        .map(dayOfPartitionDir)
        .filter((day): day is string => day !== undefined)
        .filter((day) => tierOf(ageInDays(day, today), this.pool.config.retention) === 'expired');
      found.set(spec.table, days);
    }
    return found;
  }

  private report(dryRun: boolean): ExportReport {
    const done = (action: string) =>
      this.results.filter((result) => result.action === action && result.status === 'done');
    return {
      directory: this.scope.root,
      dry_run: dryRun,
      results: this.results,
      exported: done('export').length,
      retired: done('retire').length,
      expired: done('expire').length,
      skipped: this.results.filter((result) => result.status === 'skipped').length,
      failed: this.results.filter((result) => result.status === 'failed').length,
      rows_exported: sum(done('export').map((result) => result.rows)),
      bytes_exported: sum(done('export').map((result) => result.bytes ?? 0)),
      rows_deleted: sum([...done('retire'), ...done('expire')].map((result) => result.rows)),
      leftovers_removed: this.leftovers,
      manifests_written: this.manifests,
      duration_ms: elapsed(this.started),
    };
  }
}

/** Consecutive items of one table and one kind (exports, or skips), in plan order. */
function groupsOf(items: readonly PlannedItem[]): PlannedItem[][] {
  const groups: PlannedItem[][] = [];
  for (const item of items) {
    const last = groups.at(-1)?.[0];
    const exporting = item.action === 'export';
    if (last && last.table === item.table && (last.action === 'export') === exporting)
      groups.at(-1)!.push(item);
    else groups.push([item]);
  }
  return groups;
}
