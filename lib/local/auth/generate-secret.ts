/**
 * A secret's value as Secrets Manager generates it for `GenerateSecretString` (the rules of its
 * `GetRandomPassword` API): the character classes it includes, the characters it excludes, one
 * of each included class when required, and the password put into the JSON template under the
 * key given.
 *
 * Written here rather than taken from a library: the value has to follow Secrets Manager's own
 * character classes and options, which no password package models, and `crypto.randomInt` is
 * the only randomness it needs.
 */
import { randomInt } from 'node:crypto';
import type { GenerateSecretStringModel } from '../../model';

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NUMBERS = '0123456789';
/** Secrets Manager's punctuation: every printable ASCII character that is not a letter, digit or space. */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** Why a `GenerateSecretString` cannot produce a value (CloudFormation would fail the deployment). */
export class GenerateSecretError extends Error {}

/** The secret value: the password, or the template with the password under `generateStringKey`. */
export function generateSecretValue(spec: GenerateSecretStringModel): string {
  const password = generatePassword(spec);
  if (spec.secretStringTemplate === undefined && spec.generateStringKey === undefined) return password;
  if (spec.secretStringTemplate === undefined || spec.generateStringKey === undefined) {
    throw new GenerateSecretError('SecretStringTemplate and GenerateStringKey must be given together');
  }
  let template: unknown;
  try {
    template = JSON.parse(spec.secretStringTemplate);
  } catch {
    throw new GenerateSecretError(`SecretStringTemplate is not valid JSON: ${spec.secretStringTemplate}`);
  }
  if (template === null || typeof template !== 'object' || Array.isArray(template)) throw new GenerateSecretError('SecretStringTemplate must be a JSON object');
  return JSON.stringify({ ...template, [spec.generateStringKey]: password });
}

/** A password by `GetRandomPassword`'s rules. */
export function generatePassword(spec: GenerateSecretStringModel): string {
  const classes = [
    spec.excludeLowercase ? '' : LOWERCASE,
    spec.excludeUppercase ? '' : UPPERCASE,
    spec.excludeNumbers ? '' : NUMBERS,
    spec.excludePunctuation ? '' : PUNCTUATION,
    spec.includeSpace ? ' ' : '',
  ]
    .map((chars) => [...chars].filter((c) => !spec.excludeCharacters.includes(c)).join(''))
    .filter((chars) => chars.length > 0);
  const length = spec.passwordLength;
  if (!Number.isInteger(length) || length < 1 || length > 4096) throw new GenerateSecretError(`PasswordLength must be 1 to 4096, not ${length}`);
  if (!classes.length) throw new GenerateSecretError('the excluded characters and types leave no character to use');
  if (spec.requireEachIncludedType && length < classes.length) {
    throw new GenerateSecretError(`PasswordLength ${length} is too short to include each of the ${classes.length} character types`);
  }
  const all = classes.join('');
  const chars = Array.from({ length }, () => all[randomInt(all.length)]);
  if (spec.requireEachIncludedType) {
    // One character of each class at distinct random positions (a partial Fisher-Yates shuffle).
    const positions = Array.from({ length }, (_, i) => i);
    classes.forEach((cls, k) => {
      const j = k + randomInt(length - k);
      [positions[k], positions[j]] = [positions[j], positions[k]];
      chars[positions[k]] = cls[randomInt(cls.length)];
    });
  }
  return chars.join('');
}
