import { policyById } from './policies';
import { scenarioNamed } from './scenarios';
import { BenchWorld, type RolloutFigures } from './world';

/** A batch of rollouts of one policy in one cell of the grid: what a worker runs. */
export interface CellTask {
  readonly policy: string;
  readonly scenario: string;
  readonly rps: number;
  readonly seeds: readonly number[];
}

export interface CellResult extends CellTask {
  readonly figures: readonly RolloutFigures[];
}

export async function runCell(task: CellTask): Promise<CellResult> {
  const policy = policyById(task.policy);
  const scenario = scenarioNamed(task.scenario);
  const figures: RolloutFigures[] = [];
  for (const seed of task.seeds) figures.push(await policy.run(new BenchWorld(scenario, task.rps, seed)));
  return { ...task, figures };
}
