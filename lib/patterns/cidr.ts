/**
 * IP address and CIDR parsing for the `cidr` operator and for exact matches on IP literals.
 *
 * EventBridge (aws/event-ruler) decides "is this an IP?" with two loose regexes before it
 * parses, and reports "Nonstandard IP address" when the regexes do not match and "Invalid IP
 * address" when they match but parsing fails. We keep that split so reasons read as AWS's.
 * Addresses are held as bigint so IPv4 and IPv6 ranges share one comparison.
 */
import { ReasonError, Reasons } from './errors';

/** A parsed IPv4 or IPv6 address. */
export interface IpAddress {
  /** 4 or 6. An IPv4 address never falls in an IPv6 range, and the reverse. */
  readonly version: 4 | 6;
  /** The address as an unsigned integer (32 or 128 bits). */
  readonly value: bigint;
}

/** An inclusive range of addresses, as a CIDR block denotes. */
export interface IpRange {
  readonly version: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

// The same shapes event-ruler accepts as "looks like an IP": dotted quad, or hex and colons.
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** True when the text has the shape of an IP literal (it may still be an invalid one). */
export function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/** Parses an IPv4 or IPv6 literal; undefined when the text is not a valid address. */
export function parseIp(text: string): IpAddress | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

function parseIpv4(text: string): IpAddress | undefined {
  let value = 0;
  for (const part of text.split('.')) {
    // Java's parser, which AWS uses, reads each part as decimal; the shape regex
    // already guarantees digits only.
    const n = part.length > 3 ? 256 : Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return { version: 4, value: BigInt(value) };
}

function parseIpv6(text: string): IpAddress | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const groups = halves.length === 2 ? head.length + tail.length : head.length;
  if (halves.length === 2 ? groups > 7 : groups !== 8) return undefined;
  let value = 0n;
  const push = (group: string): boolean => {
    if (!HEX_GROUP.test(group)) return false;
    value = (value << 16n) | BigInt(parseInt(group, 16));
    return true;
  };
  for (const group of head) if (!push(group)) return undefined;
  if (halves.length === 2) value <<= BigInt(16 * (8 - groups));
  for (const group of tail) if (!push(group)) return undefined;
  return { version: 6, value };
}

/**
 * Parses a CIDR block ("10.0.0.0/24", "2001:db8::/32") into the range it covers.
 * Host bits given in the address are ignored: "10.0.0.33/24" covers 10.0.0.0-10.0.0.255.
 * Throws ReasonError with AWS's reason when the block is malformed.
 */
export function parseCidr(text: string): IpRange {
  // Java's String.split drops trailing empty parts; "10.0.0.0/" therefore has one part.
  const parts = text.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) throw new ReasonError(Reasons.cidrOneSlash);
  const [ipText, maskText] = parts;
  if (!/^[+-]?[0-9]{1,10}$/.test(maskText) || Math.abs(Number(maskText)) > 2147483647) {
    throw new ReasonError(Reasons.cidrMaskNotInteger);
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) throw new ReasonError(Reasons.cidrMaskNegative);
  if (!looksLikeIp(ipText)) throw new ReasonError(Reasons.nonstandardIp(ipText));
  const ip = parseIp(ipText);
  if (!ip) throw new ReasonError(Reasons.invalidIp(ipText));
  const width = ip.version === 4 ? 32 : 128;
  if (maskBits > width) {
    throw new ReasonError(ip.version === 4 ? Reasons.cidrIpv4MaskTooBig : Reasons.cidrIpv6MaskTooBig);
  }
  const hostBits = BigInt(width - maskBits);
  const hostMask = (1n << hostBits) - 1n;
  const first = ip.value & ~hostMask;
  return { version: ip.version, first, last: first | hostMask };
}

/** True when `text` is an IP literal inside `range`. Non-IP text is never inside. */
export function ipInRange(range: IpRange, text: string): boolean {
  const ip = parseIp(text);
  return ip !== undefined && ip.version === range.version && ip.value >= range.first && ip.value <= range.last;
}
