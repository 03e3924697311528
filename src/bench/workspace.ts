import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TradeDbConfig } from '../config/schema.js';
import { MigrationRunner } from '../migrations/runner.js';
import type { Observer } from '../observability/observer.js';
import { Pool } from '../pool/pool.js';
import { BENCH_EXCHANGE } from './fixtures.js';

export interface WorkspaceOptions {
  config: TradeDbConfig;
  /** The operator's database for insert/query/concurrent, instead of scratch files. */
  database?: string | undefined;
  parent?: string | undefined;
  keep: boolean;
  observer?: Observer | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The bench folder (scratch databases, Parquet, backups) and the pools
 * opened on it. Everything is closed, and the folder removed unless
 * `keep`, by `close()`, whatever happened.
 */
export class BenchWorkspace {
  private readonly pools = new Set<Pool>();
  private touchedDatabase = false;

  private constructor(
    readonly folder: string,
    private readonly options: WorkspaceOptions,
  ) {}

  static async create(options: WorkspaceOptions): Promise<BenchWorkspace> {
    // Beside the operator's database when there is one: the bench then measures that disk.
    const parent = path.resolve(
      options.parent ?? (options.database ? path.dirname(path.resolve(options.database)) : os.tmpdir()),
    );
    await fs.promises.mkdir(parent, { recursive: true });
    const folder = await fs.promises.mkdtemp(path.join(parent, '.tradedb-bench-'));
    return new BenchWorkspace(folder, options);
  }

  /** The operator's database, when the bench runs on one. */
  get userDatabase(): string | undefined {
    return this.options.database === undefined ? undefined : path.resolve(this.options.database);
  }

  /**
   * The config of one scenario's database: the operator's engine and pool
   * settings, with paths inside the bench folder, and short retention
   * windows so that a few days of data span the hot, warm and cold tiers.
   * `shared` scenarios use the operator's database when one was given.
   */
  configFor(name: string, shared = false): TradeDbConfig {
    const base = this.options.config;
    const user = shared ? this.userDatabase : undefined;
    if (user !== undefined) return { ...base, database_path: user };
    return {
      ...base,
      database_path: path.join(this.folder, `${name}.duckdb`),
      export: { ...base.export, directory: path.join(this.folder, `${name}-cold`) },
      backup: { ...base.backup, directory: path.join(this.folder, `${name}-backups`) },
      retention: { hot_data_days: 1, warm_data_days: 2, cold_data_days: 3650 },
      performance: { ...base.performance, temp_directory: '' },
    };
  }

  /** Whether `config` is the operator's database (then the bench must leave its other rows alone). */
  isUserDatabase(config: TradeDbConfig): boolean {
    return this.userDatabase !== undefined && config.database_path === this.userDatabase;
  }

  /** Opens a pool on the scenario's database, migrated up; closed by `close()` if the scenario does not. */
  async openPool(config: TradeDbConfig): Promise<Pool> {
    const pool = await Pool.open({ config, observer: this.options.observer, signal: this.options.signal });
    this.pools.add(pool);
    if (this.isUserDatabase(config)) this.touchedDatabase = true;
    try {
      await new MigrationRunner({ pool }).up();
    } catch (error) {
      await this.closePool(pool);
      throw error;
    }
    return pool;
  }

  /** Closes a pool: its file lock is free afterwards (whole-process runs and backups need that). */
  async closePool(pool: Pool): Promise<void> {
    this.pools.delete(pool);
    await pool.close();
  }

  /** Closes every pool, removes the bench's rows from the operator's database and the folder, unless `keep`. */
  async close(): Promise<void> {
    for (const pool of [...this.pools]) await this.closePool(pool).catch(() => {});
    const user = this.userDatabase;
    if (!this.options.keep && user !== undefined && this.touchedDatabase) {
      const pool = await Pool.open({ config: { ...this.options.config, database_path: user } });
      try {
        await pool.transaction(async (session) => {
          await session.run('DELETE FROM market_ticks WHERE exchange = $1', [BENCH_EXCHANGE], {
            timeoutMs: 0,
          });
          await session.run('DELETE FROM orders WHERE exchange = $1', [BENCH_EXCHANGE], { timeoutMs: 0 });
        });
      } finally {
        await pool.close();
      }
    }
    if (!this.options.keep) await fs.promises.rm(this.folder, { recursive: true, force: true });
  }
}
