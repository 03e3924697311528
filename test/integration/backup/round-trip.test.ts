import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, restore } from '../../../src/admin.js';
import { tempDir } from '../../helpers/temp.js';
import { configIn, seedDatabase, tableChecksums } from './fixtures.js';

describe('backup -> restore round trip', () => {
  for (const method of ['file', 'export'] as const) {
    it(`reproduces every table exactly with the ${method} method`, async () => {
      const dir = tempDir();
      const config = await configIn(dir);
      await seedDatabase(config, 700);
      const before = await tableChecksums(config);

      const made = await backup({ config, method });
      expect(made.method).toBe(method);
      expect(made.manifest.tables['orders']).toBe(700);

      const target = path.join(dir, 'restored', 'trading.duckdb');
      const result = await restore({ config, backup: made.path, to: target });
      expect(result.replaced).toBe(false);
      expect(fs.existsSync(`${target}.wal`)).toBe(false);

      const after = await tableChecksums(config, target);
      expect(Object.keys(after).length).toBeGreaterThanOrEqual(9);
      expect(after).toEqual(before);
    });
  }
});
