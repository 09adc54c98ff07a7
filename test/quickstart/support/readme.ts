/**
 * The README's walkthrough, read as a user reads it: the shell commands of its code block, one
 * per logical line (backslash continuations joined; comment-only lines dropped; a trailing
 * comment stays, bash ignores it).
 */

/** The commands of the first ```sh block after `heading` in `readme`. */
export function shellCommands(readme: string, heading: string): string[] {
  const block = codeBlock(readme, heading, 'sh');
  const commands: string[] = [];
  let pending = '';
  for (const line of block.split('\n')) {
    if (!pending && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    const continued = /\\\s*$/.test(line);
    pending += continued ? line.replace(/\\\s*$/, ' ') : line;
    if (!continued) {
      commands.push(pending.trim());
      pending = '';
    }
  }
  return commands;
}

/** A command without its trailing `# comment` (outside quotes). */
export function withoutComment(command: string): string {
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && /\s/.test(command[i - 1] ?? ' ')) return command.slice(0, i).trim();
  }
  return command.trim();
}

/** The text of the first ```lang block after `marker` (a heading or any text) in `readme`. */
export function codeBlock(readme: string, marker: string, lang: string): string {
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README has no '${marker}'`);
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at))?.[1];
  if (block === undefined) throw new Error(`README has no ${lang} block after '${marker}'`);
  return block;
}
