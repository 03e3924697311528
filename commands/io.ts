/** The process's streams and surroundings, injectable so tests run the CLI in-process. */
export interface WritableLike {
  write(chunk: string): boolean;
  once(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: WritableLike;
  stderr: WritableLike;
  stdin?: { isTTY?: boolean } | NodeJS.ReadableStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted when SIGINT or SIGTERM arrives. */
  signal?: AbortSignal;
  /** Asks a yes/no question on the terminal; only called when someone can answer. */
  confirm?: (question: string) => Promise<boolean>;
}

/** The reader of stdout went away (`tradedb ... | head`): stop quietly. */
export class OutputClosed extends Error {
  constructor() {
    super('output closed');
  }
}

/**
 * Writes to a stream with backpressure; a closed pipe (EPIPE) turns into
 * OutputClosed instead of an unhandled 'error' event that would crash.
 */
export class Output {
  private closed = false;

  constructor(readonly stream: WritableLike) {
    // EPIPE is the usual case; any other write error also means nobody will read what follows.
    stream.on('error', () => {
      this.closed = true;
    });
  }

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async write(text: string): Promise<void> {
    if (this.closed) throw new OutputClosed();
    if (text === '') return;
    if (this.stream.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.removeListener('drain', done);
        this.stream.removeListener('close', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('close', done);
    });
    if (this.closed) throw new OutputClosed();
  }

  /** Writes without waiting; for stderr messages, where losing a closed pipe's output is fine. */
  writeNow(text: string): void {
    if (this.closed) return;
    try {
      this.stream.write(text);
    } catch {
      this.closed = true;
    }
  }
}
