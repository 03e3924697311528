import type { BackupEvent, BackupProgress } from '../../src/admin.js';
import type { CommandContext } from '../cli/context.js';
import { statusLine } from '../render/status-line.js';

/**
 * A backup's progress on the status line (checkpoint, the copy's bytes,
 * export, verify), the same whether the backup runs in this process or
 * in the serving one, which sends the same progress as events.
 */
export interface BackupProgressView {
  update(progress: BackupProgress): void;
  /** A routed backup's event: its progress, or a step (logged with -v, as a local run logs it). */
  event(event: BackupEvent): void;
  clear(): void;
}

export function backupProgress(ctx: CommandContext): BackupProgressView {
  const line = statusLine(ctx);
  const update = (progress: BackupProgress) => {
    const ended = progress.done === progress.total;
    line.show(`backup: ${progress.phase}${progress.phase === 'copy' ? ` ${copied(progress)}` : ''}`, ended);
  };
  return {
    update,
    event: (event) => {
      if (event.type === 'step') ctx.debug(`backup: ${event.step}`);
      else update(event);
    },
    clear: line.clear,
  };
}

function copied({ done, total }: BackupProgress): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  return `${mb(done)}/${mb(total)} MB${total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : ''}`;
}
