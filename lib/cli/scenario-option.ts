import { ValidationError } from '../domain/errors';
import { resolveScenario, type TrafficModel } from '../local/fleet';
import { UsageError } from './errors';

/** The traffic model a `--scenario` or `--scenario-file` value names; a bad one is a usage error naming the option and the field. */
export function scenarioOption(nameOrPath: string, option: '--scenario' | '--scenario-file'): TrafficModel {
  try {
    return resolveScenario(nameOrPath);
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(`${option}: ${error.message}`);
    throw error;
  }
}
