import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TradeDbConfig } from '../config/schema.js';
import { PACKAGE_ROOT } from '../version.js';

/**
 * The trading service of `bench live`, as a script run in a child process:
 * it holds the database with the built library, serves the admin endpoint,
 * and appends small batches of ticks (stamped now: today's hot partition)
 * in a loop with a short pause, as a feed handler would. Every append's
 * start (epoch ms) and duration go back to the bench on request.
 */
const SERVICE = (indexUrl: string, adminUrl: string) => `// The service of \`tradedb bench live\`.
import { MarketDataRepository, Pool } from ${JSON.stringify(indexUrl)};
import { startAdminServer } from ${JSON.stringify(adminUrl)};

const [configJson, batchText, pauseText] = process.argv.slice(2);
const batchRows = Number(batchText);
const pauseMs = Number(pauseText);
const pool = await Pool.open({ config: JSON.parse(configJson) });
const server = await startAdminServer(pool);
const ticks = new MarketDataRepository(pool);
const samples = [];
let state = 'running';
let seq = 0;
// Paused, the loop waits for the next message instead of polling: an idle service, as the raw side's file has none.
let wake = () => {};
process.on('message', (message) => {
  if (message === 'samples') process.send({ samples: samples.splice(0) });
  else if (message === 'pause' || message === 'resume' || message === 'stop') state = message === 'resume' ? 'running' : message;
  wake();
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function* batch() {
  const now = BigInt(Date.now()) * 1000n;
  for (let i = 0; i < batchRows; i++) {
    const price = 10_000_000_000n + BigInt(seq % 1000) * 1_000_000n;
    yield { ts: now + BigInt(i), exchange: 'BENCH', symbol: 'LIVE' + (i % 4), price, size: 100_000_000n,
      bid: price - 1000n, ask: price + 1000n, seq: BigInt(seq++) };
  }
}
process.send('ready');
while (state !== 'stop') {
  if (state === 'pause') {
    process.send('paused');
    while (state === 'pause') await new Promise((resolve) => { wake = resolve; });
    continue;
  }
  const started = performance.now();
  const rows = await ticks.appendScaledTicks(batch());
  samples.push([performance.timeOrigin + started, performance.now() - started, rows]);
  await sleep(pauseMs);
}
await server.close({ graceMs: 10_000 });
await pool.close();
process.disconnect();
`;

/** One append of the service: when it started (epoch ms), how long it took (ms), its rows. */
export type AppendSample = [startedAt: number, ms: number, rows: number];

/** The built library's entries, which the service script imports; undefined when not built. */
export function builtLibrary(): { index: string; admin: string } | undefined {
  const index = path.join(PACKAGE_ROOT, 'dist', 'src', 'index.js');
  const admin = path.join(PACKAGE_ROOT, 'dist', 'src', 'admin.js');
  return fs.existsSync(index) && fs.existsSync(admin) ? { index, admin } : undefined;
}

/** Now on the clock of AppendSample's `startedAt` (shared by every process of the machine). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The running service: pause and resume its appends, collect their samples, stop it. */
export class LiveService {
  private stderr = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-2000);
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Starts the service on `config`'s database and waits until its endpoint serves. */
  static async start(
    script: string,
    config: TradeDbConfig,
    options: { batchRows: number; pauseMs: number; env: Readonly<Record<string, string | undefined>> },
  ): Promise<LiveService> {
    const child = spawn(
      process.execPath,
      [script, JSON.stringify(config), String(options.batchRows), String(options.pauseMs)],
      { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: options.env as NodeJS.ProcessEnv },
    );
    const service = new LiveService(child);
    await service.next('ready');
    return service;
  }

  /** Stops appending (after the append under way) and resolves once it has. */
  async pause(): Promise<void> {
    const paused = this.next('paused');
    this.child.send('pause');
    await paused;
  }

  resume(): void {
    this.child.send('resume');
  }

  /** The samples of every append finished since the last call. */
  async samples(): Promise<AppendSample[]> {
    const answer = this.next<{ samples: AppendSample[] }>((message) => typeof message === 'object');
    this.child.send('samples');
    return (await answer).samples;
  }

  /** Stops the loop, closes the endpoint and the pool: the database file is free afterwards. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.connected) this.child.send('stop');
    const code = await this.exited;
    if (code !== 0) throw new Error(`the bench's service exited ${code}: ${this.stderr.trim()}`);
  }

  /** Kills it (the bench failed or was interrupted). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private next<T = unknown>(expected: string | ((message: unknown) => boolean)): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (typeof expected === 'string' ? message !== expected : !expected(message)) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(message as T);
      };
      const onExit = (code: number | null) => {
        this.child.off('message', onMessage);
        reject(new Error(`the bench's service exited ${code}: ${this.stderr.trim()}`));
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }
}

/** Writes the service script into `folder`; returns its path. */
export async function writeServiceScript(
  folder: string,
  library: { index: string; admin: string },
): Promise<string> {
  const script = path.join(folder, 'live-service.mjs');
  await fs.promises.writeFile(
    script,
    SERVICE(pathToFileURL(library.index).href, pathToFileURL(library.admin).href),
  );
  return script;
}
