import type { RequestLogEntry } from '../../src/admin.js';

/**
 * The lines `tradedb serve` writes on stderr: one when it is ready, one per
 * answered request, and two while it stops. As text for a terminal or a
 * journal; with `--json` (or `--format ndjson`) one JSON object per line,
 * each with `time`, so a log shipper needs no parsing rules.
 */
export class ServerLog {
  constructor(
    private readonly json: boolean,
    private readonly write: (line: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  ready(details: { database: string; socket: string; pid: number; metrics?: string }): void {
    const metrics = details.metrics ? `, metrics on http://${details.metrics}/metrics` : '';
    this.emit(
      { event: 'ready', ...details },
      `serving ${details.database} on ${details.socket} (pid ${details.pid}${metrics})`,
    );
  }

  request(entry: RequestLogEntry): void {
    const detail = entry.error_code ? `${entry.outcome} ${entry.error_code}` : entry.outcome;
    this.emit(
      { event: 'request', ...entry },
      `${entry.method} ${entry.path} ${entry.status} ${detail} ${entry.duration_ms}ms${entry.transport === 'tcp' ? ' (tcp)' : ''}`,
    );
  }

  stopping(details: { signal: string; running: number; grace_ms: number }): void {
    const running =
      details.running === 0
        ? 'no request running'
        : `${details.running} running request${details.running === 1 ? '' : 's'} may finish within ${details.grace_ms} ms, then ${details.running === 1 ? 'it is' : 'they are'} cancelled`;
    this.emit({ event: 'stopping', ...details }, `stopping (${details.signal}): ${running}`);
  }

  stopped(details: { socket: string }): void {
    this.emit({ event: 'stopped', ...details }, `stopped; removed ${details.socket}`);
  }

  private emit(fields: Record<string, unknown>, text: string): void {
    const time = this.now().toISOString();
    this.write(this.json ? `${JSON.stringify({ time, ...fields })}\n` : `${time} ${text}\n`);
  }
}
