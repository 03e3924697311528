import fs from 'node:fs';
import path from 'node:path';
import { Prng } from '../../src/seed/prng.js';
import { type Finished, ROOT, spawnBin, waitFor } from '../helpers/bin.js';
import { killBetweenSystemCalls } from '../helpers/kill.js';
import { kindOf } from './fixtures/crash-kinds.mjs';

export { kindOf };

/**
 * The crash harness: runs a tradedb command as a real child process and
 * kills it with SIGKILL at seeded random moments, then lets the test check
 * its invariants and run the command again. Kill points come in four kinds:
 *
 * - `crash`: the child kills itself just before or just after its n-th
 *   crash point, an operation that changes durable state (a file-system
 *   write, fsync, rename, unlink, ... under the workspace, or a DuckDB
 *   statement or appender flush), numbered by test/faults/fixtures/crash-points.mjs;
 * - `step`: the command's own test hook (TRADEDB_TEST_PAUSE_AFTER,
 *   TRADEDB_TEST_EXPORT_PAUSE) pauses it at a named step, and the harness kills it there;
 * - `time`: the harness kills it a random time after it opened the database;
 *   it stops the child first and kills it between system calls, as it does at
 *   a step (killBetweenSystemCalls: a kill inside a write(2) tears it, and
 *   DuckDB cannot survive a torn write of its metadata; README, "What a crash can do");
 * - none of the above lands when a run finishes first: then it is checked as a finished run.
 *
 * How many: every named step once, one crash point of every kind of
 * durable operation a whole run does (kindOf: the operation and its target
 * with dates, ids and numbers taken out), at a random occurrence of that kind
 * and a random side, and a few timed kills. That covers every kind in every
 * run; which occurrence is hit varies with the seed, so runs accumulate
 * coverage over time.
 *
 * Environment: TRADEDB_FAULT_SEED (a number; default random, printed),
 * TRADEDB_KILL_POINTS (a total to reach with extra crash points spread over
 * the kinds, for soak runs; TRADEDB_SOAK=1 means 200), TRADEDB_TIMED_KILLS
 * (default 3, or 20 with TRADEDB_SOAK=1), TRADEDB_FAULT_CONCURRENCY
 * (children at once; default 2).
 */

export const CRASH_PRELOAD = path.join(ROOT, 'test', 'faults', 'fixtures', 'crash-points.mjs');

const soak = process.env['TRADEDB_SOAK'] === '1';
/** A total of kill points per command to reach with extra crash points (0: one per kind is enough). */
const KILL_POINTS = Number(process.env['TRADEDB_KILL_POINTS'] ?? (soak ? 200 : 0));
/** Kills at random moments after the database opened, per command. */
const TIMED_KILLS = Number(process.env['TRADEDB_TIMED_KILLS'] ?? (soak ? 20 : 3));
/** Runs that finished before their kill landed are replaced, at most this many times per command. */
const MAX_REPLACED = 8;
const DEBUG = process.env['TRADEDB_FAULT_DEBUG'] === '1';
const ms = (value: number) => `${Math.round(value)}ms`;
const CONCURRENCY = Number(process.env['TRADEDB_FAULT_CONCURRENCY'] ?? 2);
export const FAULT_SEED = Number(process.env['TRADEDB_FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

/** A generous per-test timeout for `points` kill points (a loaded machine is slow, never wrong). */
export function timeoutFor(points = Math.max(KILL_POINTS, 40)): number {
  return 120_000 + points * 15_000;
}

export type KillPoint =
  /**
   * At the `nth` crash point of kind `of` (its `at`-th crash point in the calibration run):
   * aimed by kind, since a run need not reach its operations in the calibration's order.
   */
  | { kind: 'crash'; at: number; of: string; nth: number; when: 'before' | 'after'; label: string }
  | { kind: 'step'; env: Record<string, string>; marker: string }
  | { kind: 'time'; afterOpenMs: number };

/** One folder a run works in, rebuilt from the template before every kill point. */
export interface Workspace {
  /** The slot's folder: the same absolute path for every run in this slot (ledgers store paths). */
  dir: string;
  slot: number;
  /** Which run this is: 0 for the calibration run, then the kill point's number (cases may vary by it). */
  run: number;
  env: Record<string, string>;
}

export interface Outcome {
  /** 0 for the calibration run, then 1, 2, ... */
  index: number;
  point: KillPoint;
  /** The child died by SIGKILL (else it finished: `code` says how). */
  killed: boolean;
  code: number | null;
  /** The operation it died before or after, for crash points. */
  label: string | undefined;
  stdout: string;
  stderr: string;
}

export interface CrashCase {
  /** For messages: `backup --method file`. */
  name: string;
  /** Builds the template of slot `slot` at `dir` (the same path every run of the slot uses). */
  build(dir: string, slot: number): Promise<Record<string, string>>;
  /** The command line, for this workspace. */
  args(workspace: Workspace): string[];
  /** Named steps of the command's test hook: each is one kill point. */
  steps?: Array<{ env: Record<string, string>; marker: string }>;
  /** Invariants right after the kill (or after a run that finished). */
  checkAfterKill(workspace: Workspace, outcome: Outcome): Promise<void>;
  /** The next run of the same command: must succeed and clean up; checks the end state. */
  recover(workspace: Workspace, outcome: Outcome): Promise<void>;
  /** Which kinds of crash point come first when there are more kinds than kill points. */
  critical?: RegExp;
}

export interface CrashReport {
  name: string;
  seed: number;
  points: number;
  killed: number;
  finished: number;
  byKind: Record<string, number>;
  crashPoints: number;
  /** Kinds of crash point (kindOf) in a whole run, and how many of them a crash kill landed on. */
  kinds: number;
  kindsHit: number;
  /** The kinds of a whole run that no kill landed on (empty when every kind was hit). */
  kindsMissed: string[];
  /** What the crash kills landed on: `before COMMIT` ... */
  landed: string[];
}

const DEFAULT_CRITICAL =
  /COMMIT|CHECKPOINT|BEGIN|COPY|EXPORT|IMPORT|DELETE|INSERT|rename|link|unlink|rm |rmSync|fsync|flush/;

/**
 * Runs `KILL_POINTS` kill points of one command and returns what happened;
 * throws (with the seed in the message) at the first broken invariant.
 */
export async function runCrashCase(testCase: CrashCase, root: string): Promise<CrashReport> {
  const seed = FAULT_SEED;
  const prng = new Prng(`${seed}|${testCase.name}`);
  const slots = Array.from({ length: CONCURRENCY }, (_, slot) => path.join(root, `slot-${slot}`));
  const templates: Array<{ stash: string; env: Record<string, string> }> = [];
  for (const [slot, dir] of slots.entries()) {
    fs.mkdirSync(dir, { recursive: true });
    const env = await testCase.build(dir, slot);
    const stash = path.join(root, `template-${slot}`);
    fs.cpSync(dir, stash, { recursive: true });
    templates.push({ stash, env });
  }
  const workspaceOf = (slot: number, run: number): Workspace => {
    const dir = slots[slot]!;
    fs.rmSync(dir, { recursive: true, force: true });
    cloneTree(templates[slot]!.stash, dir);
    return { dir, slot, run, env: templates[slot]!.env };
  };

  const calibration = await calibrate(testCase, workspaceOf(0, 0));
  const points = planPoints(testCase, calibration, prng);
  const report: CrashReport = {
    name: testCase.name,
    seed,
    points: points.length,
    killed: 0,
    finished: 0,
    byKind: {},
    crashPoints: calibration.labels.length,
    kinds: new Set(calibration.labels.map(kindOf)).size,
    kindsHit: 0,
    kindsMissed: [],
    landed: [],
  };
  let replaced = 0;
  const hitKinds = new Set<string>();
  let next = 0;
  let failed = false;
  const worker = async (slot: number) => {
    while (next < points.length && !failed) {
      const index = next++;
      const point = points[index]!;
      const t0 = performance.now();
      const workspace = workspaceOf(slot, index + 1);
      const t1 = performance.now();
      let outcome: Outcome;
      try {
        outcome = { ...(await killAt(testCase, workspace, point)), index: index + 1 };
      } catch (error) {
        failed = true;
        throw withContext(error, `[seed ${seed}] ${testCase.name}, kill point ${index + 1}`);
      }
      const t2 = performance.now();
      report.byKind[point.kind] = (report.byKind[point.kind] ?? 0) + 1;
      if (outcome.killed) report.killed++;
      else {
        report.finished++;
        // It finished before the kill landed (a run need not repeat the calibration's path exactly):
        // try another occurrence of the same kind, or another crash point, a bounded number of times.
        if (replaced++ < MAX_REPLACED) points.push(replacementFor(point, calibration.labels, prng));
      }
      if (outcome.label) report.landed.push(outcome.label);
      // The preload kills at the n-th crash point of the aimed kind: a kill that names its crash point hit that kind.
      if (point.kind === 'crash' && outcome.killed && outcome.label) hitKinds.add(point.of);
      try {
        if (!outcome.killed && outcome.code !== 0) {
          throw new Error(`the run was not killed but failed with exit ${outcome.code}: ${outcome.stderr}`);
        }
        await testCase.checkAfterKill(workspace, outcome);
        const t3 = performance.now();
        await testCase.recover(workspace, outcome);
        if (DEBUG) {
          const t4 = performance.now();
          console.log(
            `[faults] ${testCase.name} #${index + 1} ${point.kind}: copy ${ms(t1 - t0)} run ${ms(t2 - t1)} check ${ms(t3 - t2)} recover ${ms(t4 - t3)}`,
          );
        }
      } catch (error) {
        // The other slots stop after their current point: nothing runs on while the test reports.
        failed = true;
        throw withContext(
          error,
          `[seed ${seed}] ${testCase.name}, kill point ${index + 1} (${describePoint(point, outcome)})`,
        );
      }
    }
  };
  const kinds = new Set(calibration.labels.map(kindOf));
  const missed = () => [...kinds].filter((kind) => !hitKinds.has(kind));
  // A run need not reach its operations in the calibration's order (folders are listed, tables
  // copied, in varying order): a kind the planned points missed gets another occurrence, twice at most.
  for (let round = 0; ; round++) {
    const settled = await Promise.allSettled(slots.map((_, slot) => worker(slot)));
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
    const left = missed();
    if (left.length === 0 || round === 2) break;
    for (const kind of left) points.push(pointOfKind(kind, calibration.labels, prng, round));
  }
  report.points = points.length;
  report.kindsMissed = missed();
  report.kindsHit = kinds.size - report.kindsMissed.length;
  console.log(
    `[faults] ${testCase.name}: ${report.points} kill points (${Object.entries(report.byKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}), ${report.killed} killed, ${report.finished} finished first; ` +
      `${report.crashPoints} crash points of ${report.kinds} kinds in a whole run, ${report.kindsHit} kinds hit; seed ${seed}`,
  );
  return report;
}

/**
 * What every crash test asserts of its report: every kind of durable
 * operation of a whole run was hit by a kill at least once.
 */
export function expectEveryKindHit(report: CrashReport): void {
  if (report.kindsMissed.length > 0) {
    throw new Error(
      `[seed ${report.seed}] ${report.name}: no kill landed on ${report.kindsMissed.length} of ${report.kinds} kinds of crash point: ${report.kindsMissed.join('; ')}`,
    );
  }
  if (report.killed === 0) throw new Error(`${report.name}: no kill landed at all`);
}

/** The crash points of one whole run of the command in `workspace`, in order (the run is left finished). */
export async function crashLabels(testCase: CrashCase, workspace: Workspace): Promise<string[]> {
  return (await calibrate(testCase, workspace)).labels;
}

interface Calibration {
  /** Crash points of a whole run, in order. */
  labels: string[];
  /** From the database being opened to the end of the run. */
  workMs: number;
}

/** One whole run, counting its crash points and timing its work; it must succeed and pass the checks. */
async function calibrate(testCase: CrashCase, workspace: Workspace): Promise<Calibration> {
  const log = path.join(path.dirname(workspace.dir), `crash-log-${process.pid}.txt`);
  const run = spawnBin(testCase.args(workspace), {
    cwd: workspace.dir,
    env: { ...workspace.env, ...preload(workspace), TRADEDB_CRASH_LOG: log },
  });
  let openedAt: number | undefined;
  const watch = setInterval(() => {
    if (openedAt === undefined && run.output().stderr.includes('tradedb-crash: opened'))
      openedAt = Date.now();
  }, 5);
  const finished = await run.done;
  clearInterval(watch);
  const end = Date.now();
  if (finished.code !== 0) {
    throw new Error(`${testCase.name}: the calibration run failed (${finished.code}): ${finished.stderr}`);
  }
  const outcome: Outcome = {
    index: 0,
    point: { kind: 'time', afterOpenMs: Number.POSITIVE_INFINITY },
    killed: false,
    code: 0,
    label: undefined,
    stdout: finished.stdout,
    stderr: finished.stderr,
  };
  await testCase.checkAfterKill(workspace, outcome);
  const labels = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf('\t') + 1));
  fs.rmSync(log, { force: true });
  return { labels, workMs: Math.max(50, end - (openedAt ?? end)) };
}

function planPoints(testCase: CrashCase, calibration: Calibration, prng: Prng): KillPoint[] {
  const points: KillPoint[] = [];
  const steps = testCase.steps ?? [];
  // Every named step once (more in soak mode), one crash point per kind, a few timed kills.
  const stepRounds = Math.max(1, Math.floor(KILL_POINTS / 40));
  for (let round = 0; round < stepRounds; round++) {
    for (const step of steps) points.push({ kind: 'step', ...step });
  }
  const kinds = new Set(calibration.labels.map(kindOf)).size;
  const crashes = Math.max(kinds, KILL_POINTS - points.length - TIMED_KILLS);
  points.push(...spreadCrashPoints(calibration.labels, crashes, prng, testCase.critical ?? DEFAULT_CRITICAL));
  for (let i = 0; i < TIMED_KILLS; i++) {
    points.push({ kind: 'time', afterOpenMs: Math.round(prng.next() * calibration.workMs * 1.1) });
  }
  // Shuffle, so two slots do not run the same kind side by side.
  for (let i = points.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [points[i], points[j]] = [points[j]!, points[i]!];
  }
  return points;
}

/** The point to try instead of one whose run finished first: the same kind elsewhere, or any crash point. */
function replacementFor(point: KillPoint, labels: readonly string[], prng: Prng): KillPoint {
  return point.kind === 'crash'
    ? pointOfKind(kindOf(point.label), labels, prng, 1)
    : crashPoint(labels, prng);
}

/** A crash point at an occurrence of `kind` in the calibration run, on a random side. */
function pointOfKind(kind: string, labels: readonly string[], prng: Prng, retry: number): KillPoint {
  const same = labels.flatMap((label, index) => (kindOf(label) === kind ? [index + 1] : []));
  // The first retry aims at the kind's first occurrence, which every run that does the kind reaches
  // (a later one may not come when a run takes another path); the second at a random one.
  const at = (retry === 0 ? same[0] : same[Math.floor(prng.next() * same.length)]) ?? 1;
  return crashAt(labels, at, prng.next() < 0.5 ? 'before' : 'after');
}

/**
 * `count` crash points spread over the kinds of operation a whole run does
 * (SQLite's crash tests' idea: every kind of I/O, not only the frequent
 * ones): the critical kinds first (commits, renames, deletes ...), then the
 * others, round-robin, a random occurrence of each, before or after it.
 */
function spreadCrashPoints(
  labels: readonly string[],
  count: number,
  prng: Prng,
  critical: RegExp,
): KillPoint[] {
  const byKind = new Map<string, number[]>();
  labels.forEach((label, index) => {
    const kind = kindOf(label);
    byKind.set(kind, [...(byKind.get(kind) ?? []), index + 1]);
  });
  const shuffled = (items: string[]) => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(prng.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
  const kinds = [...byKind.keys()];
  const order = [
    ...shuffled(kinds.filter((k) => critical.test(k))),
    ...shuffled(kinds.filter((k) => !critical.test(k))),
  ];
  const points: KillPoint[] = [];
  for (let round = 0; points.length < count && order.length > 0; round++) {
    for (const kind of order) {
      if (points.length >= count) break;
      const occurrences = byKind.get(kind)!;
      const at = occurrences[Math.floor(prng.next() * occurrences.length)]!;
      // Alternate the side per round, starting at random, so a kind seen twice is seen from both sides.
      const when = (round + Math.floor(prng.next() * 2)) % 2 === 0 ? 'before' : 'after';
      points.push(crashAt(labels, at, when));
    }
  }
  return points;
}

/** The kill point at crash point `at` of the calibration run, aimed at its kind and occurrence. */
export function crashAt(labels: readonly string[], at: number, when: 'before' | 'after'): KillPoint {
  const label = labels[at - 1]!;
  const of = kindOf(label);
  const nth = labels.slice(0, at).filter((item) => kindOf(item) === of).length;
  return { kind: 'crash', at, of, nth, label, when };
}

/** A crash point chosen at random. */
function crashPoint(labels: readonly string[], prng: Prng): KillPoint {
  const at = 1 + Math.floor(prng.next() * labels.length);
  return crashAt(labels, at, prng.next() < 0.5 ? 'before' : 'after');
}

function preload(workspace: Workspace): Record<string, string> {
  return { NODE_OPTIONS: `--import=${CRASH_PRELOAD}`, TRADEDB_CRASH_ROOT: workspace.dir };
}

/** Runs the command once and kills it at `point`. */
export async function killAt(
  testCase: CrashCase,
  workspace: Workspace,
  point: KillPoint,
): Promise<Omit<Outcome, 'index'>> {
  const env: Record<string, string> = { ...workspace.env, ...preload(workspace) };
  if (point.kind === 'crash') {
    env['TRADEDB_CRASH_KIND'] = point.of;
    env['TRADEDB_CRASH_NTH'] = String(point.nth);
    env['TRADEDB_CRASH_WHEN'] = point.when;
  }
  if (point.kind === 'step') Object.assign(env, point.env);
  const run = spawnBin(testCase.args(workspace), { cwd: workspace.dir, env });
  if (point.kind === 'step') {
    await waitFor(
      () => run.output().stderr.includes(point.marker) || run.child.exitCode !== null,
      60_000,
      `${testCase.name}: step marker "${point.marker}"`,
    );
    await killBetweenSystemCalls(run.child);
  } else if (point.kind === 'time') {
    await waitFor(
      () => run.output().stderr.includes('tradedb-crash: opened') || run.child.exitCode !== null,
      60_000,
      `${testCase.name}: the database being opened`,
    );
    await new Promise((resolve) => setTimeout(resolve, point.afterOpenMs));
    await killBetweenSystemCalls(run.child);
  }
  const finished: Finished = await run.done;
  const killed = finished.signal === 'SIGKILL';
  const label = /tradedb-crash: killed at #\d+ (.*)/.exec(finished.stderr)?.[1];
  if (point.kind === 'step' && !killed) {
    throw new Error(
      `${testCase.name}: never reached step "${point.marker}" (exit ${finished.code}): ${finished.stderr}`,
    );
  }
  return {
    point,
    killed,
    code: finished.code,
    label,
    stdout: finished.stdout,
    stderr: finished.stderr,
  };
}

function describePoint(point: KillPoint, outcome: Outcome): string {
  const landed = outcome.killed ? 'killed' : `finished with exit ${outcome.code}`;
  switch (point.kind) {
    case 'crash':
      return `crash point #${point.at} ${outcome.label ?? `${point.when} ${point.label}`}; ${landed}`;
    case 'step':
      return `step ${JSON.stringify(point.env)}; ${landed}`;
    case 'time':
      return `${point.afterOpenMs} ms after the database opened; ${landed}`;
  }
}

function withContext(error: unknown, context: string): Error {
  if (error instanceof Error) {
    error.message = `${context}: ${error.message}`;
    return error;
  }
  return new Error(`${context}: ${String(error)}`);
}

/**
 * Copies a template folder for one run: the database files at its top
 * (which DuckDB writes in place) are copied; everything else (backups,
 * Parquet, CSV, migrations) is hard-linked, since tradedb only ever creates, renames and deletes those
 * files, never writes into them. Saves copying the same megabytes at every
 * kill point; a bug that wrote into one would damage the template, and fail
 * every later point.
 */
function cloneTree(from: string, to: string, top = true): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) cloneTree(source, target, false);
    else if (top && /\.duckdb(\.wal)?$/.test(entry.name)) fs.copyFileSync(source, target);
    else fs.linkSync(source, target);
  }
}

/** The names in a folder that start with a dot or an underscore (temporary, staging, leftovers), manifests aside. */
export function hiddenNames(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((name) => /^[._]/.test(name) && name !== '_manifest.json')
    : [];
}
