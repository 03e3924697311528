import fs from 'node:fs';
import path from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { parse as parseToml, TomlError } from 'smol-toml';
import { ConfigError } from '../errors.js';

/** Names searched in the working directory and each folder above it. */
export const SEARCH_PLACES = ['tradedb.toml', '.tradedbrc.toml', '.config/tradedb.toml'] as const;

const loadToml: Loader = (filepath, content) => {
  try {
    return parseToml(content);
  } catch (error) {
    if (error instanceof TomlError) {
      const first = error.message.split('\n', 1)[0];
      throw new ConfigError(
        `${filepath}: malformed TOML at line ${error.line}, column ${error.column}: ${first}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
};

export interface FoundConfigFile {
  file: string;
  document: Record<string, unknown>;
}

/**
 * Finds and parses the config file: an explicit path (which must exist), else
 * the first of SEARCH_PLACES from `cwd` up to the root, else the user's and
 * the system's config file. Returns undefined when there is none.
 */
export async function findConfigFile(options: {
  cwd: string;
  explicitPath?: string | undefined;
  explicitSource?: string | undefined;
  homeDir: string;
}): Promise<FoundConfigFile | undefined> {
  const explorer = cosmiconfig('tradedb', {
    searchPlaces: [...SEARCH_PLACES],
    loaders: { '.toml': loadToml },
    searchStrategy: 'global',
    stopDir: path.parse(options.cwd).root,
    cache: false,
  });
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
      return asFound(await explorer.load(file), file);
    }
    const found = await explorer.search(options.cwd);
    if (found && SEARCH_PLACES.some((place) => found.filepath.endsWith(place)))
      return asFound(found, found.filepath);
    for (const file of [
      path.join(options.homeDir, '.config/tradedb/config.toml'),
      '/etc/tradedb/config.toml',
    ]) {
      if (fs.existsSync(file)) return asFound(await explorer.load(file), file);
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

function asFound(result: { config: unknown; isEmpty?: boolean } | null, file: string): FoundConfigFile {
  const document = result?.config ?? {};
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ConfigError(`${file}: expected a TOML document of keys and [sections]`);
  }
  return { file, document: document as Record<string, unknown> };
}
