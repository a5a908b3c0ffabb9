import { elideMiddle, oneLine, printable } from '../domain/text';

/** Where a command writes. Injected so commands are testable and `--json` can keep stdout clean. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Colours and in-place progress only on a terminal. */
  readonly color: boolean;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};

/**
 * Exit codes are part of the CLI's contract with pipelines: 0 promoted (or done), 1 rolled back,
 * 2 a usage error or a refused request, 3 a controller failure, 4 a wait that timed out.
 */
export const EXIT = { promoted: 0, ok: 0, rolledBack: 1, usage: 2, internal: 3, timeout: 4 } as const;

/** The longest error line printed; a message quoting a huge value loses its middle, not its advice. */
const MAX_ERROR_LINE = 1000;

/** An error message as one printable line: what a user typed or a file held can neither break the line nor drive the terminal. */
export function errorLine(message: string): string {
  // Escaped before flattening: a newline the user typed shows as \u000a, not as a space it never was.
  return elideMiddle(oneLine(printable(message.trim())), MAX_ERROR_LINE);
}
