import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from './errors';

/** Refuses an output file that could not be written, before the work whose result it would hold (and before any AWS call). */
export async function checkWritableFile(path: string, option: string): Promise<void> {
  const problem = await whyNotWritable(path);
  if (problem) throw new UsageError(`${option} ${path} ${problem}`);
}

async function whyNotWritable(path: string): Promise<string | undefined> {
  if (path.trim() === '') return 'is empty: name the file to write';
  try {
    if ((await stat(path)).isDirectory()) return 'is a directory: name the file to write';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return `cannot be written (${code ?? String(error)})`;
  }
  try {
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    return `cannot be written: its folder ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable'}`;
  }
  return undefined;
}
