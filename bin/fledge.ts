import { CommanderError } from 'commander';
import { buildCli } from '../lib/cli/commands';
import { UsageError } from '../lib/cli/errors';
import { EXIT, processIo } from '../lib/cli/io';
import { ValidationError } from '../lib/domain/errors';
import { installPolyfills, silenceSdkNodeWarning } from '../lib/local/polyfills';

installPolyfills();
silenceSdkNodeWarning();

/** Parse, dispatch, and map every error to an exit code: 2 for the user's mistakes, 3 for ours. */
async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  try {
    await buildCli(processIo, (code) => (exitCode = code)).parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError || error instanceof ValidationError) {
      processIo.err(`fledge: ${error.message}`);
      return EXIT.usage;
    }
    processIo.err(`fledge: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.internal;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
