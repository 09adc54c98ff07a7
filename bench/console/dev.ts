/** `switchyard dev` from this tree's sources (the benchmark's child process): `node --import tsx bench/console/dev.ts <dev flags>`. */
import { main } from '../../lib/cli/main';

void main(['dev', ...process.argv.slice(2)]).then((code) => (process.exitCode = code));
