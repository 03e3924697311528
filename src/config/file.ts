import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { ConfigError } from '../errors.js';

/** Names searched in the working directory and each folder above it. */
export const SEARCH_PLACES = ['tradedb.toml', '.tradedbrc.toml', '.config/tradedb.toml'] as const;

export interface FoundConfigFile {
  file: string;
  document: Record<string, unknown>;
}

/**
 * Finds and parses the config file: an explicit path (which must exist), else
 * the first of SEARCH_PLACES from `cwd` up to the root, else the user's and
 * the system's config file. Returns undefined when there is none.
 *
 * The search is a few synchronous stats and reads, written out here rather
 * than taken from a discovery library: the launcher's fast path
 * (commands/cli/fast-query-order.ts) runs this very function before any
 * other module loads, and a library's own start-up would cost it a tenth of
 * its budget.
 */
export async function findConfigFile(options: {
  cwd: string;
  explicitPath?: string | undefined;
  explicitSource?: string | undefined;
  homeDir: string;
}): Promise<FoundConfigFile | undefined> {
  try {
    if (options.explicitPath !== undefined) {
      const file = path.resolve(options.cwd, options.explicitPath);
      if (!fs.existsSync(file)) {
        throw new ConfigError(
          `config file ${file} (from ${options.explicitSource ?? '--config'}) does not exist`,
          {
            hint: 'check the path, or write one (config.example.toml shows every key)',
            fix: 'write-config',
          },
        );
      }
      return parseConfigFile(file, fs.readFileSync(file, 'utf8'));
    }
    for (const file of searchedFiles(options.cwd)) {
      const text = readIfSearchable(file);
      if (text !== undefined) return parseConfigFile(file, text);
    }
    for (const file of [
      path.join(options.homeDir, '.config/tradedb/config.toml'),
      '/etc/tradedb/config.toml',
    ]) {
      if (fs.existsSync(file)) return parseConfigFile(file, fs.readFileSync(file, 'utf8'));
    }
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read config file: ${(error as Error).message}`, {
      cause: error,
      hint: code === 'EACCES' ? 'check the file permissions' : undefined,
    });
  }
}

/** Every SEARCH_PLACES name in `cwd` and each folder above it, nearest first. */
function* searchedFiles(cwd: string): Generator<string> {
  let folder = path.resolve(cwd);
  for (;;) {
    for (const place of SEARCH_PLACES) yield path.join(folder, place);
    const parent = path.dirname(folder);
    if (parent === folder) return;
    folder = parent;
  }
}

/**
 * A searched name's text, or undefined to search on: missing, a folder, not
 * readable, or empty (blank) — an empty `tradedb.toml` does not stop the
 * search at a folder that has nothing to say.
 */
function readIfSearchable(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EACCES') return undefined;
    throw error;
  }
  return text.trim() === '' ? undefined : text;
}

function parseConfigFile(file: string, text: string): FoundConfigFile {
  let document: unknown;
  try {
    document = text.trim() === '' ? {} : parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const first = error.message.split('\n', 1)[0];
      throw new ConfigError(
        `${file}: malformed TOML at line ${error.line}, column ${error.column}: ${first}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ConfigError(`${file}: expected a TOML document of keys and [sections]`);
  }
  return { file, document: document as Record<string, unknown> };
}
