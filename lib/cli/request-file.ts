import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors';

/** A rollout request file, split: the request itself, and the section only local mode reads. */
export interface RequestFile {
  /** Everything but `local`: what a controller receives. */
  readonly request: unknown;
  /** The `local` section (hook functions for local mode), if the file has one. */
  readonly local?: unknown;
  /** The file's folder: paths in the local section are relative to it. */
  readonly dir: string;
}

/**
 * Reads a request file. Its `local` section describes the hook functions local mode runs in their
 * place; it is never part of the request, so one file serves `fledge demo --request` and `fledge
 * start` alike, and no controller ever receives it.
 */
export async function readRequestFile(file: string, what = 'rollout request'): Promise<RequestFile> {
  const input = await readJsonFile(file, what);
  const dir = dirname(resolve(file));
  if (!input || typeof input !== 'object' || Array.isArray(input) || !('local' in input)) return { request: input, dir };
  const { local, ...request } = input as Record<string, unknown>;
  return { request, local, dir };
}

export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}
