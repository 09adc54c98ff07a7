/**
 * The MD5 digests SQS returns with messages, which the AWS SDK verifies.
 */
import { createHash } from 'node:crypto';

/** An SQS message attribute value. */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  /** Base64 in the JSON protocol. */
  readonly BinaryValue?: string;
}

/** MD5 hex digest of a message body. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/**
 * MD5 of message attributes as SQS computes it: attributes sorted by name, each encoded as
 * length-prefixed name, length-prefixed data type, a transport byte (1 string, 2 binary) and
 * the length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string {
  const hash = createHash('md5');
  const lengthPrefixed = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    hash.update(len);
    hash.update(b);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name];
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      lengthPrefixed(Buffer.from(a.BinaryValue, 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}
