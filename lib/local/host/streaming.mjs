// Lambda response streaming inside an instance (loaded by worker.mjs; plain JavaScript for the
// same reason). Lambda's Node.js runtime gives handlers an `awslambda` global:
//
//   export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
//     responseStream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: {...} });
//     responseStream.write('...');
//     responseStream.end();
//   });
//
// `streamifyResponse` marks the handler with the symbols the runtime looks for; a marked handler
// is called with a writable stream instead of a callback, and what it writes goes to the host
// chunk by chunk as `stream` messages (see protocol.ts), before the invocation's `result`.
import { Writable } from 'node:stream';

// The runtime interface client's symbols, so that code checking them (or marking handlers
// itself, as some frameworks do) sees what it sees in Lambda.
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';

/** Set by `HttpResponseStream.from`: the body starts with a JSON prelude (status, headers, cookies) and 8 NUL bytes. */
const HTTP_INTEGRATION_RESPONSE = 'application/vnd.awslambda.http-integration-response';

/** Gives the process the `awslambda` global of Lambda's Node.js runtime. */
export function installAwsLambdaGlobal() {
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') handler[HANDLER_HIGHWATERMARK] = Math.trunc(options.highWaterMark);
      return handler;
    },
    HttpResponseStream: class HttpResponseStream {
      /** Sets the content type that makes the function URL read a prelude, written before the first chunk. */
      static from(underlyingStream, prelude) {
        underlyingStream.setContentType(HTTP_INTEGRATION_RESPONSE);
        const metadata = JSON.stringify(prelude);
        underlyingStream._onBeforeFirstWrite = (write) => {
          write(metadata);
          write(new Uint8Array(8));
        };
        return underlyingStream;
      }
    },
  };
}

/** True for a handler wrapped by `awslambda.streamifyResponse`. */
export function isStreamingHandler(handler) {
  return handler?.[HANDLER_STREAMING] === STREAM_RESPONSE;
}

/**
 * Runs a streaming handler: resolves when it has finished (its promise settled and its stream
 * ended; a stream left open when the promise resolves is ended then), rejects with its error.
 * Each write reaches the host before the write's callback runs, so a handler that waits for
 * `drain` or uses `pipeline` goes at the pace of the IPC channel.
 */
export function invokeStreaming(handler, event, context, requestId) {
  const send = (msg) =>
    new Promise((resolve) => {
      if (process.connected) process.send(msg, () => resolve());
      else resolve();
    });
  void send({ type: 'stream', requestId, start: true });
  const stream = responseStream(requestId, send, handler[HANDLER_HIGHWATERMARK]);
  const finished = new Promise((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', reject);
  });
  // Awaited only once the handler resolved; a stream error before that is the handler's own.
  finished.catch(() => undefined);
  return Promise.resolve()
    .then(() => handler(event, stream, context))
    .then(async () => {
      if (!stream.writableEnded) stream.end();
      await finished;
    });
}

/** The writable a streaming handler gets: `setContentType` before the first write, then chunks. */
function responseStream(requestId, send, highWaterMark) {
  let started = false;
  const stream = new Writable({
    highWaterMark,
    write(chunk, encoding, callback) {
      void send({ type: 'stream', requestId, chunk: toBuffer(chunk, encoding).toString('base64') }).then(() => callback());
    },
  });
  const beforeFirstWrite = () => {
    if (started) return;
    started = true;
    stream._onBeforeFirstWrite?.((chunk) => Writable.prototype.write.call(stream, chunk));
  };
  const write = stream.write.bind(stream);
  stream.write = (...args) => {
    beforeFirstWrite();
    return write(...args);
  };
  // A prelude with no body after it still goes out: the status and headers are in it.
  const end = stream.end.bind(stream);
  stream.end = (...args) => {
    beforeFirstWrite();
    return end(...args);
  };
  stream.setContentType = (contentType) => {
    if (started) throw new Error('Cannot set content-type, too late.');
    void send({ type: 'stream', requestId, contentType: String(contentType) });
  };
  return stream;
}

function toBuffer(chunk, encoding) {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), encoding === 'buffer' ? 'utf8' : encoding);
}
