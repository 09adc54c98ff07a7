/**
 * The `wildcard` operator: `*` matches any run of characters (including none), `\*` is a
 * literal asterisk and `\\` a literal backslash; any other escape, and `**`, are rejected.
 *
 * A wildcard compiles to its literal segments and matches by a left-to-right `indexOf`
 * scan. That is linear-ish in the input, with no regex to build and no catastrophic
 * backtracking, whatever the pattern.
 */
import { ReasonError, Reasons } from './errors';

/** A compiled wildcard: the literal text between the unescaped `*`s. */
export interface Wildcard {
  /** Literal segments; `n` stars give `n + 1` segments. */
  readonly segments: readonly string[];
}

/**
 * Parses a wildcard value. Throws ReasonError with AWS's reason for `**` or a bad escape.
 * AWS reports positions as UTF-8 byte offsets into the value as it sits in its quotes,
 * hence the `+ 1`.
 */
export function parseWildcard(value: string): Wildcard {
  const segments: string[] = [];
  let current = '';
  let bytePos = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '*') {
      if (value[i + 1] === '*') throw new ReasonError(Reasons.wildcardConsecutive(bytePos + 1));
      segments.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') throw new ReasonError(Reasons.wildcardBadEscape(bytePos + 1));
      current += next;
      i++;
      bytePos++;
    } else {
      current += ch;
    }
    bytePos += utf8Length(value.charCodeAt(i));
  }
  segments.push(current);
  return { segments };
}

/** True when `text` matches the compiled wildcard. */
export function wildcardMatches(wildcard: Wildcard, text: string): boolean {
  const { segments } = wildcard;
  const first = segments[0];
  if (segments.length === 1) return text === first;
  const last = segments[segments.length - 1];
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) {
    return false;
  }
  // Leftmost placement of each middle segment is optimal for `*`-only globs.
  let pos = first.length;
  const end = text.length - last.length;
  for (let s = 1; s < segments.length - 1; s++) {
    const at = text.indexOf(segments[s], pos);
    if (at < 0 || at + segments[s].length > end) return false;
    pos = at + segments[s].length;
  }
  return true;
}

// Bytes this UTF-16 code unit contributes to the UTF-8 encoding (a surrogate pair is 2 + 2).
function utf8Length(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 2;
  return 3;
}
