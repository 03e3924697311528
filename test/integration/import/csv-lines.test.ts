import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvRecordLines, linesAtOffsets, readCsvHeader } from '../../../src/import/csv-scan.js';
import { tempDir } from '../../helpers/temp.js';

function write(text: string): string {
  const file = path.join(tempDir('tradedb-csv-lines-'), 'f.csv');
  fs.writeFileSync(file, text);
  return file;
}

describe('CSV line accounting for import reports', () => {
  it('gives the start line of each data record: quoted line breaks, "" escapes, blank lines, CRLF', async () => {
    const file = write('a,b\r\n1,"x\r\ny"\r\n\r\n2,"say ""hi""\n,still quoted"\n3,x"y\n\n\n4,"\n\n"\n5,last');
    expect(await csvRecordLines(file)).toEqual([2, 5, 7, 10, 13]);
  });

  it('treats a quote inside an unquoted field as text, as DuckDB does', async () => {
    expect(await csvRecordLines(write('a,b\nx"y,1\n2,2\n'))).toEqual([2, 3]);
  });

  it('counts lines across read chunks of a large file', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => (i === 150_000 ? `${i},"a\nb"` : `${i},x`));
    const lines = await csvRecordLines(write(`a,b\n${rows.join('\n')}\n`));
    expect(lines).toHaveLength(200_000);
    expect(lines[150_000]).toBe(150_002);
    expect(lines[150_001]).toBe(150_004);
  });

  it('maps byte offsets to lines, and reads the header with a BOM, quotes and spaces', async () => {
    const file = write('\uFEFF"a, b", c ,"d""e"\n1,2,3\n4,5,6\n');
    expect(await readCsvHeader(file)).toEqual(['a, b', 'c', 'd"e']);
    const offsets = [
      0,
      Buffer.byteLength('\uFEFF"a, b", c ,"d""e"\n'),
      Buffer.byteLength('\uFEFF"a, b", c ,"d""e"\n1,2,3\n'),
    ];
    expect(await linesAtOffsets(file, offsets)).toEqual([1, 2, 3]);
    expect(await readCsvHeader(write(''))).toBeUndefined();
  });
});
