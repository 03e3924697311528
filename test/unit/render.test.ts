import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Output, OutputFailed } from '../../commands/cli/io.js';
import { csvLine } from '../../commands/render/csv.js';
import { toJsonText } from '../../commands/render/json-text.js';
import { Renderer } from '../../commands/render/renderer.js';
import type { ResultSet } from '../../src/index.js';
import { Capture } from '../helpers/cli.js';

const columns = [
  { name: 'id', type: 'UUID' },
  { name: 'price', type: 'DECIMAL(18,8)' },
  { name: 'seq', type: 'BIGINT' },
  { name: 'note', type: 'VARCHAR' },
];
const rows = [
  {
    id: '6769a527-0c55-4d78-9688-d7d0687e8e26',
    price: '12.50000000',
    seq: 9007199254740993n,
    note: 'a,"b"\nc',
  },
  { id: '00000000-0000-4000-8000-000000000000', price: '-0.00000001', seq: 1n, note: null },
];

async function render(
  format: 'table' | 'json' | 'ndjson' | 'csv',
  source: ResultSet | AsyncIterable<ResultSet>,
) {
  const stream = new Capture();
  const notices: string[] = [];
  const renderer = new Renderer(
    format,
    new Output(stream),
    (message) => notices.push(message),
    undefined,
    undefined,
  );
  const count = await renderer.list(source);
  return { text: stream.text, count, notices };
}

async function* batches(): AsyncGenerator<ResultSet> {
  yield { columns, rows: [rows[0]!] };
  yield { columns, rows: [rows[1]!] };
}

describe('renderers', () => {
  it('writes JSON arrays with exact decimals and bigints beyond 2^53', async () => {
    const { text, count } = await render('json', batches());
    expect(count).toBe(2);
    expect(text).toContain('"seq":9007199254740993');
    expect(text).toContain('"price":"12.50000000"');
    const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
    expect(parsed).toHaveLength(2);
    expect(parsed[1]!['note']).toBeNull();
  });

  it('writes an empty JSON array for no rows', async () => {
    expect((await render('json', { columns, rows: [] })).text).toBe('[]\n');
  });

  it('writes one object per line for NDJSON', async () => {
    const lines = (await render('ndjson', batches())).text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!).note).toBe('a,"b"\nc');
  });

  it('writes RFC 4180 CSV with a header, CRLF and quoted fields', async () => {
    const { text } = await render('csv', batches());
    expect(text.split('\r\n')[0]).toBe('id,price,seq,note');
    expect(text).toContain('"a,""b""\nc"');
    expect(text).toContain(',-0.00000001,1,\r\n');
  });

  it('writes the CSV header even when there are no rows', async () => {
    expect((await render('csv', { columns, rows: [] })).text).toBe('id,price,seq,note\r\n');
  });

  it('draws a table with every value and counts rows on the side channel', async () => {
    const { text, notices } = await render('table', { columns, rows });
    expect(text).toContain('6769a527-0c55-4d78-9688-d7d0687e8e26');
    expect(text).toContain('12.50000000');
    expect(notices).toEqual(['2 rows']);
  });

  it('shortens ids in a table only when it would not fit the terminal', async () => {
    const stream = new Capture(true, 60);
    const renderer = new Renderer('table', new Output(stream), () => {}, undefined, 60);
    await renderer.list({ columns, rows });
    expect(stream.text).toContain('6769a527…');
    expect(stream.text).not.toContain('6769a527-0c55');
  });
});

describe('toJsonText', () => {
  it('matches JSON.stringify for plain values and pretty-prints with a step', () => {
    const value = { a: [1, 'x', null, true], b: { c: 'd' } };
    expect(toJsonText(value)).toBe(JSON.stringify(value));
    expect(toJsonText(value, '', '  ')).toBe(JSON.stringify(value, null, 2));
  });
});

describe('csvLine', () => {
  it('quotes only what needs quoting', () => {
    expect(csvLine(['a', 'b c', 'd,e', 'f"g', 'h\ri'])).toBe('a,b c,"d,e","f""g","h\ri"\r\n');
  });
});

/** A stream whose every write fails with `code`, reported to the callback and as an 'error' event, as Node's do. */
class FailingStream extends EventEmitter {
  constructor(private readonly code: string) {
    super();
  }
  write(_chunk: string, callback?: (error?: Error | null) => void): boolean {
    const error = Object.assign(new Error(`write ${this.code}`), { code: this.code });
    process.nextTick(() => {
      callback?.(error);
      this.emit('error', error);
    });
    return true;
  }
}

describe('Output', () => {
  it('keeps a failed write (ENOSPC): flush waits for it, and the next write throws OutputFailed', async () => {
    const output = new Output(new FailingStream('ENOSPC'));
    await output.write('x');
    await output.flush();
    expect(output.failed).toBeInstanceOf(OutputFailed);
    expect(output.failed?.message).toBe('cannot write to stdout: no space left on device (ENOSPC)');
    expect(output.failed?.diskFull).toBe(true);
    await expect(output.write('y')).rejects.toBeInstanceOf(OutputFailed);
  });

  it('a reader that left (EPIPE) is not a failure', async () => {
    const output = new Output(new FailingStream('EPIPE'));
    await output.write('x');
    await output.flush();
    expect(output.failed).toBeUndefined();
    expect(output.isClosed).toBe(true);
  });

  it('a stream whose write takes no callback is flushed at once', async () => {
    const recorded: string[] = [];
    const stream = Object.assign(new EventEmitter(), {
      write: (chunk: string) => recorded.push(chunk) > 0,
    });
    const output = new Output(stream);
    await output.write('x');
    await output.flush();
    expect(recorded).toEqual(['x']);
  });

  it('turns a closed pipe into OutputClosed instead of a crash', async () => {
    const stream = new Capture();
    const output = new Output(stream);
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await expect(output.write('x')).rejects.toThrow('output closed');
  });
});
