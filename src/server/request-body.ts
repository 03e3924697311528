import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable, Transform } from 'node:stream';
import { ValidationError } from '../errors.js';
import { fromWire } from './wire.js';

/** Thrown for a body the server will not read; `status` is the HTTP answer. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON request body of at most `limit` bytes and returns its
 * `args`, decoded from the wire. Bigger is 413 (read no further), not JSON
 * or not `{"args": ...}` is 400.
 */
export async function readJsonArgs(request: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new BadRequest(413, `request body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BadRequest(413, `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  return argsOf(text);
}

/**
 * An upload's body, of at most `limit` bytes. A declared length over it is
 * 413 before anything is read (the CLI always declares one). A body that
 * grows past it undeclared is read no further: the stream fails and the
 * connection is closed, so the job sees its caller gone, cancels and cleans up.
 */
export function limitedUpload(request: IncomingMessage, limit: number): Readable {
  const tooBig = `upload over the endpoint's limit of ${limit} bytes ([server] max_upload_mb): raise it, or import with --direct while no service holds the database`;
  if (Number(request.headers['content-length'] ?? 0) > limit) throw new BadRequest(413, tooBig);
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) done(new BadRequest(413, tooBig));
      else done(null, chunk);
    },
  });
  // pipeline, not pipe: the request torn down fails the body, and a body over the limit tears the request down.
  pipeline(request, counted, (error) => {
    if (error) request.socket?.destroy();
  });
  return counted;
}

/** `{"args": ...}` from JSON text (the `tradedb-args` header of an upload, or a body). */
export function argsOf(text: string): unknown {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new BadRequest(400, `malformed JSON: ${(error as Error).message}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new BadRequest(400, 'expected a JSON object {"args": {...}}');
  }
  const keys = Object.keys(document);
  if (keys.some((key) => key !== 'args')) {
    throw new BadRequest(
      400,
      `unexpected member ${keys.find((key) => key !== 'args')}; expected {"args": {...}}`,
    );
  }
  return fromWire((document as { args?: unknown }).args);
}

/** A BadRequest as the typed error a client throws for it. */
export function badRequestError(error: BadRequest): ValidationError {
  return new ValidationError(`admin endpoint refused the request: ${error.message}`);
}
