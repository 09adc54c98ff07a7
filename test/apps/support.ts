/**
 * Helpers of the sample-app tests: reading what `switchyard dev` prints as a user reads it.
 */

/**
 * The outputs `dev` printed (`Stack.Key = value` lines under `Outputs`), by key: what a sample's
 * README tells its user to copy.
 */
export function printedOutputs(text: string): Record<string, string> {
  const lines = text.split('\n');
  const start = lines.indexOf('Outputs');
  if (start < 0) throw new Error(`dev printed no Outputs section:\n${text}`);
  const out: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const m = /^[^.\s]+\.(\S+) = (.*)$/.exec(line);
    if (!m) break;
    out[m[1]] = m[2];
  }
  return out;
}
