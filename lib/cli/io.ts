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
