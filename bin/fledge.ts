import { CommanderError } from 'commander';
import { buildCli } from '../lib/cli/commands';
import { ControllerError, UsageError } from '../lib/cli/errors';
import { EXIT, processIo } from '../lib/cli/io';
import { ValidationError } from '../lib/domain/errors';
import { installPolyfills, silenceSdkNodeWarning } from '../lib/local/polyfills';

installPolyfills();
silenceSdkNodeWarning();
// `fledge list | head` closes the pipe early: that is the reader being done, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

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
    if (error instanceof ControllerError) {
      processIo.err(`fledge: ${error.message}`);
      return EXIT.internal;
    }
    // A bug of ours: one line for the user, the stack for whoever debugs it.
    const detail = error instanceof Error ? (process.env.FLEDGE_DEBUG ? (error.stack ?? error.message) : `${error.name}: ${error.message}`) : String(error);
    processIo.err(`fledge: unexpected error: ${detail}${process.env.FLEDGE_DEBUG ? '' : ' (set FLEDGE_DEBUG=1 for the stack trace)'}`);
    return EXIT.internal;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
