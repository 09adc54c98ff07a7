/**
 * Reading request bodies against a size limit, shared by the HTTP gateways and the AWS endpoint.
 *
 * A body is refused as soon as it crosses its limit: before reading anything when the declared
 * `content-length` is over it, otherwise at the chunk that crosses it (chunked bodies included).
 * Nothing past the limit is kept in memory. The connection is not closed at once: a client that
 * is still uploading would then see a reset instead of the answer (Linux turns a close with unread
 * data into an RST, which discards the response the client has not read yet). Instead the rest of
 * the upload is read and discarded, and the connection is closed if the client is still sending
 * {@link DISCARD_GRACE_MS} after the answer went out.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How long a refused upload may keep streaming (discarded) after the answer, before the connection is closed. */
export const DISCARD_GRACE_MS = 2000;

/** Thrown by {@link readBody} when a body is larger than its limit. */
export class BodyTooLargeError extends Error {
  constructor(
    /** The limit, in bytes. */
    readonly limit: number,
    /** What the client declared in `content-length`, when it did. */
    readonly declaredLength: number | undefined,
  ) {
    super(`Request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Options for {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest body accepted, in bytes. */
  readonly limit: number;
  /**
   * The response, to send `100 Continue` to a client that waits for it (`Expect: 100-continue`,
   * as curl sends for large uploads) once the declared length is known to fit, on a server set
   * up with {@link deferContinue}; a body declared over the limit is then refused before the
   * client sends it.
   */
  readonly res?: ServerResponse;
}

/**
 * Reads a request body into one buffer. Rejects with {@link BodyTooLargeError} as soon as the
 * body is known to be over `limit`; from then on the rest of the upload is discarded as it
 * arrives (call {@link endRefusedUpload} once the answer is written).
 *
 * @example
 * try { body = await readBody(req, { limit: 10 * 1024 * 1024 }); }
 * catch (e) { if (e instanceof BodyTooLargeError) { answer413(res); endRefusedUpload(req, res); } }
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  const { limit } = options;
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(limit, declared));
  }
  if (options.res && awaitingContinue.delete(req)) options.res.writeContinue();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) {
        chunks.push(chunk);
        return;
      }
      // Keep the stream flowing with a listener that drops everything.
      cleanup();
      chunks.length = 0;
      req.on('data', discard);
      reject(new BodyTooLargeError(limit, declared));
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Bounds a refused upload: once the answer has been sent, the client gets
 * {@link DISCARD_GRACE_MS} to stop sending before the connection is destroyed.
 */
export function endRefusedUpload(req: IncomingMessage, res: ServerResponse, graceMs = DISCARD_GRACE_MS): void {
  const arm = () => {
    if (req.complete) return;
    const timer = setTimeout(() => req.socket.destroy(), graceMs);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
  };
  if (res.writableFinished) arm();
  else res.once('finish', arm);
}

/**
 * Makes a server hand `Expect: 100-continue` requests to its request handler without answering
 * `100 Continue` itself, so that {@link readBody} decides (Node otherwise always continues).
 */
export function deferContinue(server: Server): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    awaitingContinue.add(req);
    server.emit('request', req, res);
  });
}

/** Requests whose `100 Continue` was deferred by {@link deferContinue} and not sent yet. */
const awaitingContinue = new WeakSet<IncomingMessage>();

/** The `content-length` the client declared, when it is a valid number. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

function discard(): void {
  // Data of a refused body: dropped as it arrives.
}
