import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/bin.js';

// The type checker reads the whole library from source: about two seconds, once for the file.
const SERVICE_ENTRY = path.join(ROOT, 'src', 'index.ts');
const ADMIN_ENTRY = path.join(ROOT, 'src', 'admin.ts');
const program = ts.createProgram([SERVICE_ENTRY, ADMIN_ENTRY], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noEmit: true,
});
const checker = program.getTypeChecker();

interface ExportedName {
  name: string;
  documented: boolean;
}

function exportsOf(file: string): ExportedName[] {
  const source = program.getSourceFile(file);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${file} is not a module`);
  return checker.getExportsOfModule(module).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return { name: symbol.name, documented: target.getDocumentationComment(checker).length > 0 };
  });
}

/** Every `from '...'` of the .ts files under a folder, with the file it is in. */
function importsUnder(folder: string): { file: string; specifier: string; typeOnly: boolean }[] {
  const found: { file: string; specifier: string; typeOnly: boolean }[] = [];
  for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
      found.push({
        file: path.relative(ROOT, file),
        specifier: match[2] ?? '',
        typeOnly: match[1] !== undefined,
      });
    }
  }
  return found;
}

describe('the public API', () => {
  const service = exportsOf(SERVICE_ENTRY);
  const admin = exportsOf(ADMIN_ENTRY);

  it('keeps the service entry small enough to read: at most 100 names', () => {
    expect(service.length).toBeGreaterThan(0);
    expect(service.length).toBeLessThanOrEqual(100);
  });

  it('documents every name of the service entry with JSDoc', () => {
    expect(service.filter((item) => !item.documented).map((item) => item.name)).toEqual([]);
  });

  it('keeps operator jobs out of the service entry and in tradedb/admin', () => {
    const names = new Set(service.map((item) => item.name));
    const adminNames = new Set(admin.map((item) => item.name));
    for (const job of [
      'backup',
      'restore',
      'exportPartitions',
      'importFile',
      'seedDatabase',
      'collectStats',
      'runBench',
    ]) {
      expect(names.has(job), job).toBe(false);
      expect(adminNames.has(job), job).toBe(true);
    }
    // One home per name: a name in both entries would be two ways to reach the same thing.
    expect(admin.map((item) => item.name).filter((name) => names.has(name))).toEqual([]);
  });

  it('is all that commands/ reaches into the library through', () => {
    const libraryImports = importsUnder(path.join(ROOT, 'commands')).filter((item) =>
      /\/src\//.test(item.specifier),
    );
    const others = libraryImports.filter(
      // package-info.js is the third entry, `tradedb/version`: `--version` must not load the library to print it.
      (item) => !/\/src\/(index|admin|package-info)\.js$/.test(item.specifier),
    );
    expect(libraryImports.length).toBeGreaterThan(0);
    expect(others).toEqual([]);
  });
});
