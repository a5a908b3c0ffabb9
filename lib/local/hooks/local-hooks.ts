import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { HookFunctions } from '../../controller/dependencies';
import { PreconditionError, ValidationError } from '../../domain/errors';
import { HOOK_FUNCTION, hookFunctionName, MAX_HOOK_TIMEOUT_SECONDS, type HookEvent } from '../../domain/lifecycle-hooks';
import { quoted } from '../../domain/text';
import { formatPath, parseOrThrow, printableString } from '../../domain/validation';
import type { HookRun, HookRuntime } from './hook-task';

/**
 * Hook functions for local mode, from the `local.hooks` section of a request file: each hook the
 * request names is either a JavaScript module run in-process, or a simulated outcome.
 *
 *   "local": { "hooks": {
 *     "orders-pre-traffic": { "module": "./hooks/pre-traffic.mjs" },
 *     "orders-post-traffic": { "simulate": "Failed", "reason": "checkout journey: HTTP 500", "durationSeconds": 40 }
 *   } }
 */
const simulatedHookSchema = z.strictObject({
  /** What the function does: answers Succeeded or Failed, throws, or never answers. */
  simulate: z.enum(['Succeeded', 'Failed', 'function-error', 'timeout']),
  /** The answer's reason (Succeeded, Failed) or the error's message (function-error). */
  reason: printableString().max(500, 'must be at most 500 characters').optional(),
  /** The error's type, for function-error. */
  errorType: z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,99}$/, 'must be an error name such as TypeError').default('Error'),
  /** How long it runs, in virtual seconds. */
  durationSeconds: z.number().min(0).max(MAX_HOOK_TIMEOUT_SECONDS).default(2),
});

const moduleHookSchema = z.strictObject({
  /** A JavaScript module (CommonJS or ES), relative to the request file. */
  module: printableString().min(1, 'must name a JavaScript file'),
  /** The exported function Lambda would call. */
  export: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]{0,99}$/, 'must be a JavaScript identifier').default('handler'),
});

const hookDefinitionSchema = z.union([simulatedHookSchema, moduleHookSchema], {
  error: 'must be { "module": "<file>" } or { "simulate": "Succeeded" | "Failed" | "function-error" | "timeout" }',
});

export const localSectionSchema = z.strictObject({
  /** By function name, as the request's hooks name it (a qualifier is ignored). */
  hooks: z.record(z.string().regex(HOOK_FUNCTION, 'must be a Lambda function name'), hookDefinitionSchema).default({}),
});

export type LocalSection = z.output<typeof localSectionSchema>;
type SimulatedHook = z.output<typeof simulatedHookSchema>;
type Handler = (event: HookEvent, context: object) => unknown;

/** Reads a request file's `local` section: a ValidationError names the bad field (`local.hooks.…`). */
export function parseLocalSection(input: unknown, source: string): LocalSection {
  return parseOrThrow(z.strictObject({ local: localSectionSchema.prefault({}) }), { local: input ?? {} }, `local section of ${source}`).local;
}

/**
 * The hook functions local mode knows, each an in-process module or a simulated outcome. Preflight
 * checks a hook against it as it would against Lambda; the hook states invoke it.
 */
export class LocalHookFunctions implements HookFunctions, HookRuntime {
  private constructor(
    private readonly simulated: ReadonlyMap<string, SimulatedHook>,
    private readonly handlers: ReadonlyMap<string, Handler>,
  ) {}

  /** No hook functions: a request that names one is refused, as Lambda would refuse an unknown function. */
  static none(): LocalHookFunctions {
    return new LocalHookFunctions(new Map(), new Map());
  }

  /** Loads the section's modules now, so a missing file or export is an error before anything runs. */
  static async load(section: LocalSection, baseDir: string): Promise<LocalHookFunctions> {
    const simulated = new Map<string, SimulatedHook>();
    const handlers = new Map<string, Handler>();
    for (const [name, definition] of Object.entries(section.hooks)) {
      const key = hookFunctionName(name);
      if ('simulate' in definition) simulated.set(key, definition);
      else handlers.set(key, await loadHandler(resolve(baseDir, definition.module), definition.export, formatPath(['local', 'hooks', name])));
    }
    return new LocalHookFunctions(simulated, handlers);
  }

  /** The functions it defines, in-process ones first. */
  names(): string[] {
    return [...this.handlers.keys(), ...this.simulated.keys()];
  }

  async check(functionName: string): Promise<void> {
    if (!this.defines(functionName)) {
      throw new PreconditionError(`${quoted(functionName)} not found: in local mode, define it in the request file's local.hooks section (a module, or a simulated outcome)`);
    }
  }

  async invoke(functionName: string, event: HookEvent): Promise<HookRun> {
    const key = hookFunctionName(functionName);
    const handler = this.handlers.get(key);
    if (handler) return runHandler(handler, key, event);
    const simulated = this.simulated.get(key);
    if (!simulated) throw lambdaException('ResourceNotFoundException', `Function not found: ${functionName}`);
    return simulatedRun(simulated);
  }

  private defines(functionName: string): boolean {
    const key = hookFunctionName(functionName);
    return this.handlers.has(key) || this.simulated.has(key);
  }
}

function simulatedRun(hook: SimulatedHook): HookRun {
  const durationSeconds = hook.durationSeconds;
  switch (hook.simulate) {
    case 'Succeeded':
    case 'Failed':
      return { kind: 'answered', response: { status: hook.simulate, ...(hook.reason ? { reason: hook.reason } : {}) }, durationSeconds };
    case 'function-error':
      return { kind: 'function-error', errorType: hook.errorType, errorMessage: hook.reason ?? 'simulated function error', durationSeconds };
    case 'timeout':
      return { kind: 'no-answer' };
  }
}

/** Runs a module's handler as Lambda's Node.js runtime would: its return value is the answer, a throw the function error. */
async function runHandler(handler: Handler, functionName: string, event: HookEvent): Promise<HookRun> {
  const started = performance.now();
  const deadline = Date.now() + event.timeoutSeconds * 1000;
  const context = { functionName, functionVersion: '$LATEST', awsRequestId: `local-${Date.now()}`, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  const durationSeconds = () => (performance.now() - started) / 1000;
  try {
    // Copied, as Lambda's JSON round trip would: the function cannot change the state machine's data.
    const response = await handler(structuredClone(event), context);
    return { kind: 'answered', response: response === undefined ? null : JSON.parse(JSON.stringify(response)), durationSeconds: durationSeconds() };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { kind: 'function-error', errorType: e.name || 'Error', errorMessage: e.message, durationSeconds: durationSeconds() };
  }
}

async function loadHandler(file: string, exportName: string, field: string): Promise<Handler> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await importModule(file)) as Record<string, unknown>;
  } catch (error) {
    throw new ValidationError(`${field}.module: cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // An ES module's exports, or a CommonJS module's (whose exports an import puts under `default`).
  const fn = loaded[exportName] ?? (loaded.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof fn !== 'function') throw new ValidationError(`${field}.export: ${file} exports no function named ${exportName}`);
  return fn as Handler;
}

/** CommonJS through require; an ES module through import(), which Node 20's require cannot load. */
async function importModule(file: string): Promise<unknown> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
    return (await import(pathToFileURL(file).href)) as unknown;
  }
}

function lambdaException(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
