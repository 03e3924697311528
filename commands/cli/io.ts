/** The process's streams and surroundings, injectable so tests run the CLI in-process. */
export interface WritableLike {
  /** `callback` runs once the chunk is written, with the error if it could not be. */
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
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
 * Writing stdout or stderr failed for a reason other than a reader that left:
 * a full disk, /dev/full, an I/O error. What was printed is incomplete, so the
 * command must not end with exit 0.
 */
export class OutputFailed extends Error {
  constructor(
    readonly streamName: string,
    readonly reason: NodeJS.ErrnoException,
  ) {
    super(`cannot write to ${streamName}: ${describe(reason)}`, { cause: reason });
  }

  /** No space left, by errno name: the same exit code as an I/O error, a more useful hint. */
  get diskFull(): boolean {
    return this.reason.code === 'ENOSPC' || this.reason.code === 'EDQUOT' || this.reason.code === 'EFBIG';
  }
}

function describe(error: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large',
    EIO: 'input/output error',
  };
  const text = (error.code && known[error.code]) ?? error.message;
  return error.code && !text.includes(error.code) ? `${text} (${error.code})` : text;
}

/**
 * A reader that went away: EPIPE from `| head`, and what a stream reports
 * for writes after it was torn down because of that.
 */
function readerLeft(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
}

/**
 * Writes to a stream with backpressure and keeps the first write error: a
 * closed pipe (EPIPE) turns into OutputClosed, any other failure into
 * OutputFailed, instead of an unhandled 'error' event that would crash or,
 * worse, an error nobody looks at.
 */
export class Output {
  private closed = false;
  private failure: OutputFailed | undefined;
  /** Writes whose callback has not run yet; `flush` waits for them. */
  private pending = 0;
  private wake: Array<() => void> = [];

  constructor(
    readonly stream: WritableLike,
    readonly name = 'stdout',
  ) {
    stream.on('error', (error) => this.fail(error));
  }

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The first write that failed for a reason other than a reader that left. */
  get failed(): OutputFailed | undefined {
    return this.failure;
  }

  async write(text: string): Promise<void> {
    this.check();
    if (text === '') return;
    if (!this.send(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.removeListener('drain', done);
          this.stream.removeListener('close', done);
          this.stream.removeListener('error', done);
          resolve();
        };
        this.stream.once('drain', done);
        this.stream.once('close', done);
        this.stream.once('error', done);
      });
    }
    this.check();
  }

  /** Writes without waiting; for stderr messages, where losing a closed pipe's output is fine. */
  writeNow(text: string): void {
    if (this.closed || this.failure || text === '') return;
    this.send(text);
  }

  /** Waits until everything written so far has reached the stream's target, or failed to. */
  async flush(): Promise<void> {
    while (this.pending > 0 && !this.closed && !this.failure) {
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  private send(text: string): boolean {
    // A stream whose write takes no callback (a test double that records) has written the text when it returns.
    const tracked = this.stream.write.length >= 2;
    if (tracked) this.pending += 1;
    try {
      if (!tracked) return this.stream.write(text);
      return this.stream.write(text, (error) => {
        this.pending -= 1;
        if (error) this.fail(error);
        if (this.pending === 0) this.wakeAll();
      });
    } catch (error) {
      // Some streams throw instead of calling back (a file descriptor that is gone).
      if (tracked) this.pending -= 1;
      this.fail(error as Error);
      return true;
    }
  }

  private fail(error: Error): void {
    if (this.closed || this.failure) return;
    const errno = error as NodeJS.ErrnoException;
    if (readerLeft(errno)) this.closed = true;
    else this.failure = new OutputFailed(this.name, errno);
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const resolve of this.wake.splice(0)) resolve();
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new OutputClosed();
  }
}
