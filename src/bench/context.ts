import type { TradeDbConfig } from '../config/schema.js';
import type { Observer } from '../observability/observer.js';
import type { BenchSettings } from './types.js';
import type { BenchWorkspace } from './workspace.js';

/** What every scenario is given. */
export interface ScenarioContext {
  workspace: BenchWorkspace;
  /** The effective configuration the run started from. */
  config: TradeDbConfig;
  settings: BenchSettings;
  quick: boolean;
  /** Unique per run: ids the bench writes cannot collide with a kept earlier run's. */
  runId: string;
  /** The CLI launcher, for whole-process timings. */
  bin: string;
  signal?: AbortSignal | undefined;
  /** What the layer reports to; jobs that open their own pools (backups) get it too. */
  observer?: Observer | undefined;
  /** Reports a step of the running scenario. */
  step(text: string): void;
}
