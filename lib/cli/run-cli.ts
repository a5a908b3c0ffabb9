import { CommanderError } from 'commander';
import { ValidationError } from '../domain/errors';
import { buildCli } from './commands';
import { ControllerError, UsageError } from './errors';
import { errorLine, EXIT, type CliIo } from './io';

/**
 * Parses, dispatches, and maps every error to an exit code and one line on stderr: 2 for the
 * user's mistakes, 3 for the controller's or ours. bin/fledge.ts runs it; tests run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let exitCode: number = EXIT.ok;
  try {
    await buildCli(io, (code) => (exitCode = code)).parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError || error instanceof ValidationError) {
      io.err(`fledge: ${errorLine(error.message)}`);
      return EXIT.usage;
    }
    if (error instanceof ControllerError) {
      io.err(`fledge: ${errorLine(error.message)}`);
      return EXIT.internal;
    }
    // A bug of ours: one line for the user, the stack for whoever debugs it.
    const debug = Boolean(env.FLEDGE_DEBUG);
    const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : errorLine(`${error.name}: ${error.message}`)) : errorLine(String(error));
    io.err(`fledge: unexpected error: ${detail}${debug ? '' : ' (set FLEDGE_DEBUG=1 for the stack trace)'}`);
    return EXIT.internal;
  }
}
