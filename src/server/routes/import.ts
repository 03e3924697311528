import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InterruptedError, isTradeDbError, UsageError } from '../../errors.js';
import { fsError } from '../../fs/errors.js';
import { staleTempNames } from '../../fs/stale-temps.js';
import { importFile } from '../../import/import-file.js';
import { importFormatOf } from '../../import/source.js';
import { IMPORT_KINDS, type ImportProgress, type ImportResult } from '../../import/types.js';
import { isInMemory } from '../../pool/instance-cache.js';
import { throwIfCancelled } from '../../util/cancel.js';
import { defineRoute } from '../route.js';
import { errorFromWire, errorToWire } from '../wire.js';
import { pauseAt } from './test-pause.js';

/**
 * What a routed import reports: the upload staged, the library's own
 * progress, and at the end the rejects file's text, in pieces, when one
 * was asked for (the caller writes it: the server writes no file its
 * caller names).
 */
export type ImportEvent =
  | { type: 'staged'; bytes: number }
  | ({ type: 'progress' } & ImportProgress)
  | { type: 'rejects'; text: string };

/** The rejects file's text goes back in pieces of this many bytes. */
const REJECTS_CHUNK = 1 << 16;

/** Staged uploads start with this, beside the database: a killed server's leftovers are recognisable. */
export const UPLOAD_PREFIX = '.tradedb-upload-';

const UPLOAD_CANCELLED = 'import cancelled; no row was loaded';

/**
 * `import` (upload): `{kind, name, dryRun?, reportLimit?, rejectsName?}`
 * plus the file's bytes as the request body. The serving process may run
 * as a service account, so it never opens a path its caller names: it
 * stages the bytes in a temporary file beside its database (removed
 * whatever happens) and imports that, calling the file by `name` in
 * messages and the result.
 * With `rejectsName` it writes the rejects file beside the upload and
 * sends its text back as events; the caller writes it where it chose.
 */
export const importRoute = defineRoute({
  path: 'import',
  access: 'write',
  upload: true,
  summary: 'validated, all-or-nothing bulk load of an uploaded CSV or Parquet file',
  parse: (args) => {
    const kind = args.oneOf('kind', IMPORT_KINDS);
    if (kind === undefined) throw new UsageError(`import: \`kind\` is required (${IMPORT_KINDS.join(', ')})`);
    const name = args.requiredString('name');
    const format = importFormatOf(name);
    if (format === undefined) throw new UsageError(`${name}: expected a .csv or .parquet file`);
    return {
      kind,
      name,
      format,
      dryRun: args.boolean('dryRun') ?? false,
      reportLimit: args.integer('reportLimit', 0, 10_000),
      rejectsName: args.string('rejectsName'),
    };
  },
  async run(pool, args, context): Promise<ImportResult> {
    if (!context.body) throw new UsageError('import takes the file’s bytes as the request body');
    const folder = isInMemory(pool.file) ? os.tmpdir() : path.dirname(pool.file);
    await removeStaleUploads(folder);
    const stem = path.join(folder, `${UPLOAD_PREFIX}${process.pid}-${randomUUID()}`);
    const staged = `${stem}.${args.format}`;
    const rejects = args.rejectsName === undefined ? undefined : `${stem}.rejects.csv`;
    try {
      // Owner-only and never an existing file: the copy is the server's alone.
      await pipeline(context.body, fs.createWriteStream(staged, { flags: 'wx', mode: 0o600 }), {
        signal: context.signal,
      });
      throwIfCancelled(context.signal, UPLOAD_CANCELLED);
      context.progress({ type: 'staged', bytes: fs.statSync(staged).size } satisfies ImportEvent);
      await pauseAt('staged', context.remote, context.signal);
      const result = await importFile(pool, {
        kind: args.kind,
        file: staged,
        displayName: args.name,
        dryRun: args.dryRun,
        ...(args.reportLimit !== undefined ? { reportLimit: args.reportLimit } : {}),
        ...(rejects ? { rejectsFile: rejects } : {}),
        signal: context.signal,
        onProgress: (progress) => context.progress({ type: 'progress', ...progress } satisfies ImportEvent),
      });
      if (!rejects) return result;
      for await (const text of fs.createReadStream(rejects, {
        encoding: 'utf8',
        highWaterMark: REJECTS_CHUNK,
      })) {
        context.progress({ type: 'rejects', text: text as string } satisfies ImportEvent);
      }
      return { ...result, rejects_file: args.rejectsName ?? null };
    } catch (error) {
      throw namingTheUpload(error, staged, args.name, context.signal);
    } finally {
      await fs.promises.rm(staged, { force: true });
      if (rejects) await fs.promises.rm(rejects, { force: true });
    }
  },
});

/** Removes the staged uploads a killed server left (their pid is gone); best effort, tried again next import. */
async function removeStaleUploads(folder: string): Promise<void> {
  const names = await fs.promises.readdir(folder).catch(() => []);
  const pidOf = (name: string) => {
    const match = /^(\d+)-/.exec(name.startsWith(UPLOAD_PREFIX) ? name.slice(UPLOAD_PREFIX.length) : '');
    return match ? Number(match[1]) : undefined;
  };
  for (const name of staleTempNames(names, pidOf)) {
    await fs.promises.rm(path.join(folder, name), { force: true }).catch(() => {});
  }
}

/**
 * The error as the caller should read it: about its own file, never the
 * staging path (an engine message may quote the path it read); a cancelled
 * upload is an interruption, and a failed write of the copy names the
 * server's folder.
 */
function namingTheUpload(error: unknown, staged: string, name: string, signal: AbortSignal): unknown {
  if (!isTradeDbError(error)) {
    if (signal.aborted) return new InterruptedError(UPLOAD_CANCELLED, { cause: signal.reason });
    return fsError(error, 'staging the upload in', path.dirname(staged));
  }
  if (!error.message.includes(staged)) return error;
  const wire = errorToWire(error);
  return errorFromWire({ ...wire, message: wire.message.replaceAll(staged, name) });
}
