import type { ExportEvent, PartitionResult } from '../src/admin.js';
import type { CommandContext } from './cli/context.js';
import { type StatusLine, statusLine } from './render/status-line.js';

/** Off a terminal (cron mail, a log), a summary line at most this often, plus the first and the last. */
const PLAIN_INTERVAL_MS = 10_000;
const BAR_WIDTH = 20;

/** One phase's counts: partitions done of total, rows and bytes so far. */
interface Tally {
  phase: 'export' | 'retention';
  total: number;
  done: number;
  failed: number;
  rows: number;
  bytes: number;
  started: number;
  last: PartitionResult | undefined;
}

/**
 * Progress of export-partitions, sized for thousands of partitions: on a
 * terminal one redrawn bar for the phase (partitions done/total, rows,
 * bytes, ETA); otherwise a plain summary line every few seconds and at the
 * end of the phase, plus one line per failed partition. `--json` output on
 * stdout is unaffected.
 */
export class ExportProgress {
  private readonly line: StatusLine | undefined;
  private tally: Tally | undefined;
  private lastPlain = Number.NEGATIVE_INFINITY;
  /** Partitions done when the last plain line was printed. */
  private printedAt = 0;

  constructor(private readonly ctx: CommandContext) {
    this.line = ctx.terminal.progress ? statusLine(ctx) : undefined;
  }

  event(event: ExportEvent): void {
    if (event.type === 'phase') {
      this.endPhase();
      this.tally = {
        phase: event.phase,
        total: event.total,
        done: 0,
        failed: 0,
        rows: 0,
        bytes: 0,
        started: performance.now(),
        last: undefined,
      };
      return;
    }
    const tally = this.tally;
    if (event.type !== 'end' || !tally) return;
    const { result } = event;
    tally.done++;
    tally.last = result;
    if (result.status === 'done') {
      tally.rows += result.rows;
      tally.bytes += result.bytes ?? 0;
    }
    if (result.status === 'failed') {
      tally.failed++;
      this.line?.clear();
      this.ctx.info(
        `${result.action} ${result.table} ${result.date}: failed: ${result.error?.message ?? result.reason}`,
      );
    }
    const last = tally.done === tally.total;
    if (this.line) {
      this.line.show(barText(tally), tally.done === 1 || last);
      return;
    }
    const now = performance.now();
    if (tally.done === 1 || now - this.lastPlain >= PLAIN_INTERVAL_MS) {
      this.lastPlain = now;
      this.printedAt = tally.done;
      this.ctx.info(plainText(tally));
    }
  }

  /** Clears the bar, or prints the phase's last line off a terminal. */
  finish(): void {
    this.endPhase();
    this.line?.clear();
  }

  private endPhase(): void {
    const tally = this.tally;
    this.tally = undefined;
    if (!tally || this.line || tally.done === 0) return;
    // The last line of a phase, unless the periodic one just said the same.
    if (tally.done !== this.printedAt) this.ctx.info(plainText(tally));
    this.printedAt = 0;
  }
}

function barText(tally: Tally): string {
  const filled = tally.total === 0 ? BAR_WIDTH : Math.round((tally.done / tally.total) * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
  return `${tally.phase} [${bar}] ${summary(tally)}`;
}

function plainText(tally: Tally): string {
  const last = tally.last;
  const at = last ? ` (last: ${last.table} ${last.date} ${last.status})` : '';
  return `${tally.phase}: ${summary(tally)}${at}`;
}

function summary(tally: Tally): string {
  const parts = [
    `${tally.done}/${tally.total} partitions`,
    `${tally.rows.toLocaleString('en-US')} row${tally.rows === 1 ? '' : 's'}`,
    ...(tally.phase === 'export' ? [bytesText(tally.bytes)] : []),
    ...(tally.failed > 0 ? [`${tally.failed} failed`] : []),
  ];
  const eta = etaText(tally);
  return `${parts.join(', ')}${eta}`;
}

function etaText(tally: Tally): string {
  if (tally.done === 0 || tally.done >= tally.total) return '';
  const spent = performance.now() - tally.started;
  const left = (spent / tally.done) * (tally.total - tally.done);
  return `, ETA ${durationText(left)}`;
}

function durationText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes} min ${seconds % 60} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function bytesText(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
