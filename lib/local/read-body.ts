/**
 * Reading a whole request body, shared by the HTTP gateway and the AWS endpoint.
 */
import type { IncomingMessage } from 'node:http';

/** Reads a request body into one buffer. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
