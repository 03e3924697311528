import path from 'node:path';
import { NODE_FS } from '../fs/port.js';
import type { Pool } from '../pool/pool.js';
import { throwIfCancelled } from '../util/cancel.js';
import { ageInDays, utcDay } from './days.js';
import { type DiscoveredTable, discover } from './discover.js';
import {
  type BatchOutcome,
  batchesOf,
  COPY_SLOTS,
  exportBatch,
  exportBatchesInFlight,
} from './export-batch.js';
import type { ExportSettings } from './export-partition.js';
import { type ColdTierFiles, coldTierFiles } from './fs.js';
import { dayOfPartitionDir, MANIFEST_NAME, removeLeftovers, tableDir } from './layout.js';
import { readLedger, schemaVersion } from './ledger.js';
import { syncManifest } from './manifest.js';
import type { ExportPartitionsOptions } from './options.js';
import {
  type ExportOutcome,
  type PartitionAction,
  type PlannedItem,
  type PlanScope,
  planExports,
  planRetention,
} from './plan.js';
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
import { expirePartition } from './retention.js';
import { retireBatch } from './retire-batch.js';
import type { PartitionedTableSpec } from './tables.js';
import { tierOf } from './tiers.js';

/** Cancelled between partitions: every partition is either done or not started. */
const RUN_CANCELLED = 'cancelled; partitions finished before stay exported, the others were not started';

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
  private readonly fs: ColdTierFiles;
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
    this.fs = coldTierFiles(options.fs ?? NODE_FS);
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
    throwIfCancelled(this.options.signal, RUN_CANCELLED);
    const tables = await this.discover();
    const byName = new Map(tables.map((table) => [table.spec.table as string, table]));
    for (const spec of this.specs)
      this.leftovers.push(...(await removeLeftovers(this.fs, this.scope.root, spec.table)));

    const outcomes = new Map<string, ExportOutcome>();
    if (this.kind.exports) {
      const items = planExports(tables, this.scope);
      const copies = this.options.parallelCopies ?? COPY_SLOTS;
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
      await this.inBatches(
        'export',
        items,
        'export',
        (batch, inFlight, dropped) =>
          exportBatch(
            settings,
            byName.get(batch[0]!.table)!,
            batch.map((item) => item.date),
            Math.max(1, Math.floor(copies / inFlight)),
            dropped,
          ),
        undefined,
        outcomes,
        (batches) => exportBatchesInFlight(this.pool.config.pool.max_readers, batches, copies),
      );
    }

    if (this.kind.retention) {
      const items = planRetention(
        tables,
        this.scope,
        (table, date) => outcomes.get(key(table, date)),
        await this.expiredOnDisk(),
      );
      await this.inBatches(
        'retention',
        items,
        'retire',
        async (batch) => {
          const table = byName.get(batch[0]!.table)!;
          return retireBatch(
            this.pool,
            this.fs,
            table,
            batch.map((item) => item.ledger!),
            this.now,
          );
        },
        async (item) => {
          const rows = await expirePartition(
            this.pool,
            this.fs,
            byName.get(item.table)!,
            item.date,
            item.folders,
          );
          return { rows, bytes: null, path: item.path };
        },
      );
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
   * Runs a phase's items in plan order: consecutive items of one table
   * whose action is `batched` go in batches (export-batch.ts,
   * retire-batch.ts); skips are reported as they come; any other action runs
   * one item at a time through `single`. A failure is recorded and the next
   * item runs, unless the run was interrupted. Progress gets a batch's start
   * and end events together, in plan order.
   *
   * Up to `batchesInFlight(batches)` batches run at once, of one table or
   * the next: the next one COPYs while this one waits for its hashes, reads
   * its footers, moves and records its files, serial steps that would leave
   * the CPU idle. Batches hold different partitions, so each keeps its own
   * guarantees; their results are reported in plan order.
   */
  private async inBatches(
    phase: 'export' | 'retention',
    items: readonly PlannedItem[],
    batched: PartitionAction,
    batchWork: (
      batch: PlannedItem[],
      inFlight: number,
      dropped: () => boolean,
    ) => Promise<Map<string, BatchOutcome>>,
    single: ((item: PlannedItem) => Promise<StepDone>) | undefined,
    outcomes?: Map<string, ExportOutcome>,
    batchesInFlight: (batches: number) => number = () => 1,
  ): Promise<void> {
    const emit = this.options.onEvent ?? (() => {});
    const total = items.length;
    emit({ type: 'phase', phase, total });
    const indexOf = new Map(items.map((item, index) => [item, index]));
    const start = (item: PlannedItem) => emit({ type: 'start', index: indexOf.get(item)!, total, item });
    const finish = (item: PlannedItem, result: PartitionResult) => {
      this.results.push(result);
      emit({ type: 'end', index: indexOf.get(item)!, total, result });
    };
    // Plan order, in units: a batch of consecutive `batched` items of one table, or one other item.
    const units: Array<{ batch: PlannedItem[] } | { item: PlannedItem }> = [];
    for (const group of groupsOf(items, batched)) {
      if (group[0]!.action === batched) {
        for (const batch of batchesOf(group, this.options.batchPartitions)) units.push({ batch });
      } else {
        for (const item of group) units.push({ item });
      }
    }
    const inFlight = batchesInFlight(units.filter((unit) => 'batch' in unit).length);
    const running = new Map<PlannedItem[], { started: number; work: Promise<Map<string, BatchOutcome>> }>();
    // Cancelled, the run lets the batch it was waiting for finish; batches started ahead of their
    // turn stop before moving any file into place (unless already past that point).
    const { signal } = this.options;
    let awaited: PlannedItem[] | undefined;
    let finishing: PlannedItem[] | undefined;
    const onAbort = () => {
      finishing = awaited;
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const launch = (batch: PlannedItem[]) => {
      if (running.has(batch)) return;
      const work = batchWork(batch, inFlight, () => signal?.aborted === true && finishing !== batch);
      work.catch(() => {}); // awaited in turn below
      running.set(batch, { started: performance.now(), work });
    };
    /** The next batches after `index`, to start while the one at `index` finishes (across tables too). */
    const launchAhead = (index: number) => {
      let ahead = 1;
      for (let next = index + 1; next < units.length && ahead < inFlight; next++) {
        const unit = units[next]!;
        if (!('batch' in unit)) continue;
        if (signal?.aborted) return;
        launch(unit.batch);
        ahead++;
      }
    };
    try {
      for (const [index, unit] of units.entries()) {
        if (!('batch' in unit)) {
          throwIfCancelled(signal, RUN_CANCELLED);
          start(unit.item);
          const result =
            unit.item.action === 'skip' || !single
              ? resultOf(unit.item, 'skipped')
              : await runStep(unit.item, single);
          finish(unit.item, result);
          continue;
        }
        const { batch } = unit;
        // A batch started ahead reports its own cancellation (or its results) when its turn comes.
        if (!running.has(batch)) throwIfCancelled(signal, RUN_CANCELLED);
        for (const item of batch) start(item);
        launch(batch);
        launchAhead(index);
        const { started, work } = running.get(batch)!;
        awaited = batch;
        let done: Map<string, BatchOutcome>;
        try {
          done = await work;
        } catch (error) {
          const typed = asTyped(error);
          if (typed.code === 'INTERRUPTED') throw typed;
          done = new Map(batch.map((item) => [item.date, { status: 'failed', error: typed }]));
        }
        this.reportBatch(batch, done, elapsed(started), finish, outcomes);
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Nothing of this run may still write once it returns or throws.
      await Promise.allSettled([...running.values()].map((batch) => batch.work));
    }
  }

  /** A batch's outcomes as results, its time shared out by rows: what each partition cost, roughly. */
  private reportBatch(
    batch: readonly PlannedItem[],
    done: Map<string, BatchOutcome>,
    ms: number,
    finish: (item: PlannedItem, result: PartitionResult) => void,
    outcomes: Map<string, ExportOutcome> | undefined,
  ): void {
    const rows = Math.max(1, sum(batch.map((item) => item.rows)));
    for (const item of batch) {
      const outcome: BatchOutcome = done.get(item.date) ?? {
        status: 'failed',
        error: new Error(`${item.action} ${item.table} ${item.date}: no outcome`),
      };
      const duration_ms = Math.round((ms * item.rows) / rows);
      outcomes?.set(key(item.table, item.date), outcome.status === 'done' ? outcome : { status: 'failed' });
      finish(item, batchResult(item, outcome, duration_ms));
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

/** Consecutive items of one table that are all `batched`, or all not, in plan order. */
function groupsOf(items: readonly PlannedItem[], batched: PartitionAction): PlannedItem[][] {
  const groups: PlannedItem[][] = [];
  for (const item of items) {
    const first = groups.at(-1)?.[0];
    const same =
      first && first.table === item.table && (first.action === batched) === (item.action === batched);
    if (same) groups.at(-1)!.push(item);
    else groups.push([item]);
  }
  return groups;
}

/** A partition's result from its batch's outcome: rows, bytes and folder of a done export or retirement. */
function batchResult(item: PlannedItem, outcome: BatchOutcome, duration_ms: number): PartitionResult {
  if (outcome.status === 'skipped')
    return { ...resultOf(item, 'skipped'), reason: outcome.reason, duration_ms };
  if (outcome.status === 'failed') {
    return { ...resultOf(item, 'failed'), rows: 0, error: asTyped(outcome.error), duration_ms };
  }
  const { entry } = outcome;
  const exported = item.action === 'export';
  return {
    ...resultOf(item, 'done'),
    rows: entry.rows,
    bytes: exported ? entry.bytes : null,
    path: entry.path,
    duration_ms,
  };
}
