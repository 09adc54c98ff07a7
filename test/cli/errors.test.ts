import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { ArgumentError, CliError, EndpointError, asCliError, errorLine } from '../../lib/cli/errors';
import { main } from '../../lib/cli/main';
import { SynthError } from '../../lib/cli/synth';
import { InspectPortInUseError } from '../../lib/local/host/errors';
import { LocalStateError } from '../../lib/local/state/store';
import { TokenError } from '../../lib/cli/token';
import { AssemblyError } from '../../lib/model';
import { PriceTableError, UsageError } from '../../lib/ops';

describe('one error base for the CLI', () => {
  test.each<[string, Error, string]>([
    ['ArgumentError', new ArgumentError('--x is bad'), 'InvalidArgument'],
    ['EndpointError', new EndpointError('EndpointUnreachable', 'Cannot reach'), 'EndpointUnreachable'],
    ['SynthError', new SynthError('No cdk.json'), 'SynthFailed'],
    ['TokenError', new TokenError('No JWT authorizer'), 'TokenError'],
    ['AssemblyError (model)', new AssemblyError('no manifest.json'), 'InvalidCloudAssembly'],
    ['UsageError (ops)', new UsageError('bad usage file'), 'InvalidUsage'],
    ['PriceTableError (ops)', new PriceTableError('no prices for xx-east-9'), 'UnknownRegion'],
    ['LocalStateError in use (local)', new LocalStateError('StateInUse', '.switchyard/state/App is in use by another switchyard dev'), 'StateInUse'],
    ['LocalStateError unreadable (local)', new LocalStateError('StateUnreadable', 'Cannot open the local state'), 'StateUnreadable'],
    ['a port in use', Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 4010 }), 'PortInUse'],
    ['a debugger port in use (local)', new InspectPortInUseError(9229, 'PlaceOrder'), 'InspectPortInUse'],
  ])('%s is an expected failure with a stable code', (_, err, code) => {
    const cli = asCliError(err);
    expect(cli).toBeInstanceOf(CliError);
    expect(cli!.code).toBe(code);
    expect(errorLine(cli!)).toMatch(new RegExp(`^switchyard: \\[${code}\\] \\S`));
    expect(errorLine(cli!)).not.toContain('\n');
  });

  test.each([new TypeError("Cannot read properties of undefined (reading 'x')"), Object.assign(new Error('ENOENT'), { code: 'ENOENT' }), 'a string'])('%p is unexpected: no CliError', (err) => {
    expect(asCliError(err)).toBeUndefined();
  });

  test('an unexpected failure propagates with its stack (bin/switchyard.js prints it) instead of a one-line message', async () => {
    // A project folder that is a file: creating .switchyard in it fails in a way no command expects.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sy-err-')), 'not-a-dir');
    fs.writeFileSync(file, '');
    const err = new PassThrough();
    const failure = await main(['dev', '--console-port', '0', '--http-port', '0', '--aws-port', '0'], { out: new PassThrough(), err, cwd: file, env: {} }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(failure?.code).toBe('ENOTDIR');
    expect(failure?.stack).toMatch(/\n\s+at /);
    expect(err.read()).toBeNull();
  });
});
