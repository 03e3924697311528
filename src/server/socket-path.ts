import fs from 'node:fs';
import path from 'node:path';
import type { TradeDbConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';

/** Linux's `sun_path` holds 108 bytes, the last one a NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Where the admin endpoint of `config`'s database listens: `server.socket`,
 * else the database's path plus `.sock`. It follows from the config alone,
 * so a service and the CLI reading the same config meet at the same socket.
 */
export function adminSocketPath(config: TradeDbConfig): string {
  if (config.server.socket !== '') return path.resolve(config.server.socket);
  if (config.database_path === ':memory:' || config.database_path === '') {
    throw new ConfigError('an in-memory database has no admin socket of its own', {
      hint: 'set [server] socket (TRADEDB_SERVER_SOCKET) to a path in a private folder',
    });
  }
  return `${path.resolve(config.database_path)}.sock`;
}

/**
 * The checks made before binding the admin socket (its length, its folder),
 * for a front end that wants to refuse before it changes anything.
 */
export function checkSocketPath(socketPath: string): void {
  checkSocketPathLength(socketPath);
  checkSocketFolder(socketPath);
}

/** A socket path Linux can bind, or a ConfigError that says how to choose one. */
export function checkSocketPathLength(socketPath: string): void {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new ConfigError(
      `the admin socket path ${socketPath} is ${bytes} bytes; a Unix socket path may have at most ${MAX_SOCKET_PATH_BYTES}`,
      { hint: 'set [server] socket (TRADEDB_SERVER_SOCKET) to a shorter path in a private folder' },
    );
  }
}

/**
 * The socket's folder must exist and must not be writable by every user:
 * there, anyone could replace the socket with their own and answer the
 * CLI's requests, or remove it. (A socket file itself is created 0600.)
 */
export function checkSocketFolder(socketPath: string): void {
  const folder = path.dirname(socketPath);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(folder);
  } catch (error) {
    throw new ConfigError(`cannot use ${folder} for the admin socket: ${(error as Error).message}`, {
      cause: error,
      hint: 'create the folder, or set [server] socket to a path in an existing private folder',
    });
  }
  if (!stat.isDirectory()) throw new ConfigError(`${folder} (the admin socket's folder) is not a folder`);
  if ((stat.mode & 0o002) !== 0) {
    throw new ConfigError(
      `refusing to serve: the admin socket's folder ${folder} is writable by every user (mode ${(stat.mode & 0o7777).toString(8)})`,
      { hint: 'set [server] socket to a path in a folder only the service account can write' },
    );
  }
}
