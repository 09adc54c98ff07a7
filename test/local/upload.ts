/**
 * A client that uploads a large body in chunks and stops as soon as the server answers, as a
 * well-behaved client does when a server refuses an upload early. Used by the limit tests and by
 * bench/body-limits.
 */
import * as http from 'node:http';

/** What the server answered to an upload. */
export interface UploadAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** True when the server sent `100 Continue` (the client then started sending). */
  readonly continued: boolean;
  /** Bytes of body the client had written when the answer arrived. */
  readonly sent: number;
}

/** Options for {@link upload}. */
export interface UploadOptions {
  readonly method?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  /** Bytes to send at most. */
  readonly totalBytes: number;
  /** Declare the length (`content-length`) instead of sending chunked. @default false */
  readonly declareLength?: boolean;
  /** Send `Expect: 100-continue` and wait for the server before sending. @default false */
  readonly expectContinue?: boolean;
  /** Bytes per write. @default 64 KiB */
  readonly chunkBytes?: number;
}

/** Uploads up to `totalBytes` of `a`s to `url`; resolves with the answer, sending no more once it arrives. */
export function upload(url: string, options: UploadOptions): Promise<UploadAnswer> {
  const { totalBytes, chunkBytes = 64 * 1024 } = options;
  const headers: http.OutgoingHttpHeaders = { ...options.headers };
  if (options.declareLength) headers['content-length'] = totalBytes;
  else headers['transfer-encoding'] = 'chunked';
  if (options.expectContinue) headers.expect = '100-continue';
  return new Promise((resolve, reject) => {
    let answered = false;
    let continued = false;
    let sent = 0;
    const req = http.request(url, { method: options.method ?? 'POST', headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), continued, sent });
      });
    });
    // Writes after the answer may fail once the server drops the connection; the answer counts.
    req.on('error', (err) => answered || reject(err));
    const chunk = Buffer.alloc(chunkBytes, 'a');
    const pump = () => {
      while (!answered && sent < totalBytes) {
        const piece = sent + chunk.length <= totalBytes ? chunk : chunk.subarray(0, totalBytes - sent);
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    if (options.expectContinue) {
      req.on('continue', () => {
        continued = true;
        pump();
      });
      req.flushHeaders();
    } else {
      pump();
    }
  });
}
