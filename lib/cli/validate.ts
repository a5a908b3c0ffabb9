import { readFile } from 'node:fs/promises';
import { planRollout } from '../domain/plan';
import { parseRolloutRequest } from '../domain/rollout-request';
import { targetKey } from '../domain/targets';
import { UsageError } from './errors';
import { EXIT, type CliIo } from './io';

export interface ValidateOptions {
  readonly file: string;
  readonly json?: boolean;
}

/** Checks a rollout request offline and shows the plan it would run. Refusals name the field. */
export async function validate(opts: ValidateOptions, io: CliIo): Promise<number> {
  const request = parseRolloutRequest(await readJsonFile(opts.file, 'rollout request'));
  const plan = planRollout(request);
  if (opts.json) {
    io.out(JSON.stringify({ valid: true, request, plan }, null, 2));
    return EXIT.ok;
  }
  io.out(`valid rollout request: ${request.targets.length} target(s), strategy ${plan.strategyName}, mode ${request.mode}`);
  for (const t of request.targets) io.out(`  target ${targetKey(t)}`);
  for (const s of plan.steps) {
    const gate = s.approval ? ', then manual approval' : '';
    io.out(`  step ${s.index + 1}: ${s.name} at ${s.weight}% for ${s.minBakeSeconds / 60}-${s.maxBakeSeconds / 60} min${gate}`);
  }
  if (plan.finalBakeSeconds > 0) io.out(`  final bake: ${plan.finalBakeSeconds / 60} min at 100%`);
  io.out(`  evaluations every ${plan.evaluationIntervalSeconds} s; false-rollback budget ${request.policy.falseRollbackBudget} for the whole rollout`);
  return EXIT.ok;
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
