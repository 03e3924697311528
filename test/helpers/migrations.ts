import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './bin.js';

/** A copy of the shipped migrations in a folder of the test's own, to edit freely. */
export function copyMigrations(into: string): string {
  const dir = path.join(into, 'migrations');
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(path.join(ROOT, 'migrations'))) {
    fs.copyFileSync(path.join(ROOT, 'migrations', name), path.join(dir, name));
  }
  return dir;
}

export function writeMigration(dir: string, name: string, up: string, down = ''): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `-- ${name}\n\n-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`);
  return file;
}
