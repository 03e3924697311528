import fs from 'node:fs';
import type { Server } from 'node:http';
import net from 'node:net';
import { ConfigError, DatabaseLockedError, IoError } from '../errors.js';
import { checkSocketPath } from './socket-path.js';

/**
 * Makes `server` listen on `socketPath`, owner-only, and returns what
 * removes the socket again. A socket left by a killed server (nobody
 * answers: ECONNREFUSED) is replaced; one that answers belongs to a live
 * server and is left alone (DatabaseLocked); a file that is not a socket
 * is never removed.
 */
export async function claimSocketPath(server: Server, socketPath: string): Promise<() => void> {
  checkSocketPath(socketPath);
  const state = await probeSocket(socketPath);
  if (state === 'live') {
    throw new DatabaseLockedError(`another admin endpoint already answers at ${socketPath}`, undefined, {
      hint: 'stop the process serving it (GET /v1/identity names it), or set [server] socket to another path',
    });
  }
  if (state === 'stale') fs.rmSync(socketPath, { force: true });
  await listenOwnerOnly(server, socketPath);
  const ours = fs.statSync(socketPath).ino;
  return () => {
    try {
      // Only our own socket: a newer server may have replaced it already.
      if (fs.statSync(socketPath).ino === ours) fs.rmSync(socketPath, { force: true });
    } catch {
      // Already gone.
    }
  };
}

/** `none` (no file), `stale` (a socket nobody answers), `live` (a server answers). */
export async function probeSocket(socketPath: string): Promise<'none' | 'stale' | 'live'> {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw new IoError(`cannot check ${socketPath}: ${(error as Error).message}`, { cause: error });
  }
  if (!stat.isSocket()) {
    throw new ConfigError(`${socketPath} exists and is not a socket; refusing to replace it`, {
      hint: 'move that file away, or set [server] socket to another path',
    });
  }
  return new Promise((resolve, reject) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve('live');
    });
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve('stale');
      else if (error.code === 'ENOENT') resolve('none');
      else
        reject(
          new IoError(`cannot check the admin socket ${socketPath}: ${error.message}`, { cause: error }),
        );
    });
  });
}

/**
 * Binds with a umask that leaves the socket to its owner (connecting needs
 * write permission on it), so there is no moment when others may connect;
 * then sets 0600 for good measure. The bind happens inside `listen()`.
 */
async function listenOwnerOnly(server: Server, socketPath: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new IoError(`cannot listen on ${socketPath}: ${error.message}`, { cause: error }));
    };
    server.once('error', onError);
    const previous = process.umask(0o177);
    try {
      server.listen(socketPath, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      process.umask(previous);
    }
  });
  fs.chmodSync(socketPath, 0o600);
}
