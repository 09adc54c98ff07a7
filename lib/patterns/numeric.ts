/**
 * The `numeric` operator: `["=", 5]`, `["<", 5]`, `[">", 0, "<=", 5]` and the like.
 *
 * Validation follows aws/event-ruler's parser token by token, so the first problem found
 * and its reason text are the ones EventBridge reports. A range must open with `>`/`>=`
 * and close with `<`/`<=`; EventBridge numbers lie in [-5e9, 5e9], and an event number
 * outside that interval never matches a numeric comparison.
 */
import { ReasonError, Reasons } from './errors';

/** A compiled numeric condition over a JSON number. */
export type NumberTest = (n: number) => boolean;

/** The magnitude EventBridge compares numbers over ("-5.0e9 to +5.0e9 inclusive"). */
export const NUMERIC_LIMIT = 5e9;

/**
 * Parses the array of a `numeric` operator. Throws ReasonError with AWS's reason.
 * The returned test already rejects numbers outside [-5e9, 5e9].
 */
export function parseNumeric(terms: readonly unknown[]): NumberTest {
  const op = terms[0];
  if (typeof op !== 'string') throw new ReasonError(Reasons.numericInvalidMember(text(op)));
  const value = terms[1];
  switch (op) {
    case '=': {
      const n = requireNumber(value, op);
      if (terms.length > 2) throw new ReasonError(Reasons.numericTooManyElements);
      checkRange(n);
      return (v) => inLimits(v) && v === n;
    }
    case '<':
    case '<=': {
      const top = requireNumber(value, op);
      if (terms.length > 2) throw new ReasonError(Reasons.numericTooManyElements);
      checkRange(top);
      return op === '<' ? (v) => inLimits(v) && v < top : (v) => inLimits(v) && v <= top;
    }
    case '>':
    case '>=': {
      const bottom = requireNumber(value, op);
      const openBottom = op === '>';
      if (terms.length === 2) {
        checkRange(bottom);
        return openBottom ? (v) => inLimits(v) && v > bottom : (v) => inLimits(v) && v >= bottom;
      }
      return parseRangeTop(terms, bottom, openBottom);
    }
    default:
      throw new ReasonError(Reasons.numericUnknownOperator(op));
  }
}

/** The `"<", top` half of `[">", bottom, "<", top]`. */
function parseRangeTop(terms: readonly unknown[], bottom: number, openBottom: boolean): NumberTest {
  const op = terms[2];
  if (typeof op !== 'string') throw new ReasonError(Reasons.numericBadRangeValue(text(op)));
  if (op !== '<' && op !== '<=') throw new ReasonError(Reasons.numericBadRangeOperator(op));
  const top = requireNumber(terms[3], op);
  if (terms.length > 4) throw new ReasonError(Reasons.numericTooManyTerms);
  checkRange(bottom);
  checkRange(top);
  if (bottom >= top) throw new ReasonError(Reasons.numericBottomNotBelowTop);
  const openTop = op === '<';
  return (v) =>
    inLimits(v) && (openBottom ? v > bottom : v >= bottom) && (openTop ? v < top : v <= top);
}

function requireNumber(value: unknown, op: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ReasonError(Reasons.numericValueNotNumber(op));
  return value;
}

function checkRange(n: number): void {
  if (!inLimits(n)) throw new ReasonError(Reasons.numericOutOfRange);
}

function inLimits(n: number): boolean {
  return n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT;
}

// The token text AWS quotes: `]` when the array ended, `[`/`{` for containers.
function text(value: unknown): string {
  if (value === undefined) return ']';
  if (Array.isArray(value)) return '[';
  if (typeof value === 'object' && value !== null) return '{';
  return String(value);
}
