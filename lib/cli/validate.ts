import { planRollout } from '../domain/plan';
import { parseRolloutRequest } from '../domain/rollout-request';
import { targetKey } from '../domain/targets';
import { parseLocalSection } from '../local/hooks/local-hooks';
import { HOOK_LABEL } from '../controller/hook-call';
import { hookFunctionName, LIFECYCLE_EVENTS } from '../domain/lifecycle-hooks';
import { readRequestFile } from './request-file';
import { EXIT, type CliIo } from './io';

export interface ValidateOptions {
  readonly file: string;
  readonly json?: boolean;
}

/** Checks a rollout request offline and shows the plan it would run. Refusals name the field. */
export async function validate(opts: ValidateOptions, io: CliIo): Promise<number> {
  const file = await readRequestFile(opts.file);
  const request = parseRolloutRequest(file.request);
  // Checked too, so a mistake in it shows here rather than at the first local run.
  if (file.local !== undefined) parseLocalSection(file.local, opts.file);
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
  if (request.smokeTest) io.out(`  smoke test: ${request.smokeTest.events.length} event(s) to the new version(s) before any traffic, ${request.smokeTest.timeoutSeconds} s at most`);
  for (const event of LIFECYCLE_EVENTS) {
    const hook = request.hooks?.[event];
    if (hook) io.out(`  ${HOOK_LABEL[event]}: ${hook.functionName}, ${hook.timeoutSeconds} s at most (the controller must be deployed with it: -c hooks=${hookFunctionName(hook.functionName)})`);
  }
  io.out(`  evaluations every ${plan.evaluationIntervalSeconds} s; false-rollback budget ${request.policy.falseRollbackBudget} for the whole rollout`);
  return EXIT.ok;
}
