import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where this package resolves @duckdb/node-api: the raw scripts must load the very same build. */
function duckdbUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('@duckdb/node-api')).href;
}

/** The raw lookup script, with DuckDB resolved from this package instead of the working directory. */
const RAW_LOOKUP = (url: string) => `// The floor for \`tradedb query order <id> --json\` .
const { DuckDBInstance } = await import(${JSON.stringify(url)});
const [path, id] = process.argv.slice(2);
const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
const connection = await instance.connect();
const reader = await connection.runAndReadAll(
  'SELECT * FROM orders WHERE order_id = $1::UUID', [id]);
process.stdout.write(\`\${JSON.stringify(reader.getRowObjectsJson())}\\n\`);
connection.closeSync();
instance.closeSync();
`;

/** The raw backup script, with DuckDB resolved from this package. */
const RAW_BACKUP = (url: string) => `// The floor for \`tradedb backup --method file\` .
import crypto from 'node:crypto';
import fs from 'node:fs';
const { DuckDBInstance } = await import(${JSON.stringify(url)});
const [src, dst] = process.argv.slice(2);
const instance = await DuckDBInstance.create(src);
const connection = await instance.connect();
await connection.run('CHECKPOINT');
await fs.promises.copyFile(src, dst);
const fd = fs.openSync(dst, 'r');
fs.fsyncSync(fd);
fs.closeSync(fd);
const hash = crypto.createHash('sha256');
await new Promise((resolve, reject) => {
  fs.createReadStream(dst, { highWaterMark: 1 << 20 }).on('data', (d) => hash.update(d)).on('end', resolve).on('error', reject);
});
connection.closeSync();
instance.closeSync();
process.stdout.write(\`\${hash.digest('hex')}\\n\`);
`;

/** Writes the raw baseline scripts into `folder`; returns their paths. */
export async function writeRawScripts(folder: string): Promise<{ lookup: string; backup: string }> {
  const url = duckdbUrl();
  const lookup = path.join(folder, 'raw-lookup.mjs');
  const backup = path.join(folder, 'raw-backup.mjs');
  await fs.promises.writeFile(lookup, RAW_LOOKUP(url));
  await fs.promises.writeFile(backup, RAW_BACKUP(url));
  return { lookup, backup };
}
