import { capturedKey, checkWeight, type CapturedState, type RestoreResult, type TrafficRouter, type TrafficRouters } from '../../adapters/traffic/traffic-router';
import { DriftError, PreconditionError, ValidationError } from '../../domain/errors';
import { FLAG_NEW_VARIANT, FLAG_STABLE_VARIANT, targetKey, type Target } from '../../domain/targets';
import { describeState, type AliasState, type FlagState, type SimulatedFleet } from './simulated-fleet';

/**
 * The traffic router of local mode, for both target kinds, backed by the simulated fleet.
 * It behaves like the AWS routers where it matters to the state machine: it refuses aliases
 * that already carry weights, detects foreign changes through the alias RevisionId (or the
 * deployed configuration version), and restores exactly what was captured.
 */
export class SimulatedTrafficRouter implements TrafficRouter<Target> {
  constructor(private readonly fleet: SimulatedFleet) {}

  async capture(target: Target): Promise<CapturedState> {
    const key = targetKey(target);
    const state = this.fleet.capture(target);
    if (state.kind === 'lambda-alias' && target.kind === 'lambda-alias') {
      // Alias routing allows one additional version: weights left behind mean another rollout (or a person) is mid-way.
      if (state.additionalVersion !== null) {
        throw new PreconditionError(
          `${key} already has routing weights (${describeState(state)}): another rollout or a manual change left them; remove them before starting`,
        );
      }
      if (state.functionVersion === target.newVersion) {
        throw new PreconditionError(`${key} already points to version ${target.newVersion}: there is nothing to roll out`);
      }
      return {
        targetKey: key,
        kind: 'lambda-alias',
        stableVersion: state.functionVersion,
        newVersion: target.newVersion,
        attributes: { functionVersion: state.functionVersion, revisionId: state.revisionId },
      };
    }
    if (state.kind === 'appconfig-flag' && target.kind === 'appconfig-flag') {
      if (state.enabledPercentage !== 0) {
        throw new PreconditionError(`${key} is already enabled for ${state.enabledPercentage}% (${describeState(state)}): roll it back to 0% before starting`);
      }
      return {
        targetKey: key,
        kind: 'appconfig-flag',
        stableVersion: FLAG_STABLE_VARIANT,
        newVersion: FLAG_NEW_VARIANT,
        attributes: { configurationVersion: state.configurationVersion, enabledPercentage: state.enabledPercentage },
      };
    }
    throw new Error(`${key} is a ${state.kind} in the simulated fleet, not a ${target.kind}`);
  }

  async setWeight(target: Target, captured: CapturedState, weightPercent: number): Promise<void> {
    checkWeight(weightPercent);
    const key = capturedKey(target, captured);
    this.refuseDrift(key);
    if (target.kind === 'lambda-alias') {
      // The stable version stays primary; weight 100 sends everything to the additional version until promote.
      this.fleet.updateAlias(
        key,
        weightPercent === 0
          ? { functionVersion: captured.stableVersion, additionalVersion: null, additionalWeight: 0 }
          : { functionVersion: captured.stableVersion, additionalVersion: captured.newVersion, additionalWeight: weightPercent / 100 },
        'set-weight',
      );
    } else {
      this.fleet.deployFlag(key, { enabledPercentage: weightPercent }, 'set-weight');
    }
  }

  async promote(target: Target, captured: CapturedState): Promise<void> {
    const key = capturedKey(target, captured);
    this.refuseDrift(key);
    if (target.kind === 'lambda-alias') {
      this.fleet.updateAlias(key, { functionVersion: captured.newVersion, additionalVersion: null, additionalWeight: 0 }, 'promote');
    } else {
      this.fleet.deployFlag(key, { enabledPercentage: 100 }, 'promote');
    }
  }

  async restore(target: Target, captured: CapturedState): Promise<RestoreResult> {
    const key = capturedKey(target, captured);
    const state = this.fleet.state(key);
    if (state.kind === 'lambda-alias') return this.restoreAlias(key, state, captured);
    return this.restoreFlag(key, state, captured);
  }

  private restoreAlias(key: string, state: AliasState, captured: CapturedState): RestoreResult {
    const stable = String(captured.attributes.functionVersion ?? captured.stableVersion);
    if (state.functionVersion === stable && state.additionalVersion === null) {
      return { targetKey: key, action: 'already-stable', detail: `alias already on version ${stable} with no routing weights` };
    }
    const drift = this.fleet.foreignChange(key);
    // Overwriting someone else's change could undo a fix made by hand during an incident.
    if (drift) return { targetKey: key, action: 'skipped-drifted', detail: `not restored to version ${stable}: ${drift}` };
    const before = describeState(state);
    this.fleet.updateAlias(key, { functionVersion: stable, additionalVersion: null, additionalWeight: 0 }, 'restore');
    return { targetKey: key, action: 'restored', detail: `alias back on version ${stable} with no routing weights (was ${before})` };
  }

  private restoreFlag(key: string, state: FlagState, captured: CapturedState): RestoreResult {
    const version = Number(captured.attributes.configurationVersion);
    const percentage = Number(captured.attributes.enabledPercentage);
    if (!Number.isInteger(version) || !Number.isFinite(percentage)) {
      throw new ValidationError(`captured state of ${key} lacks configurationVersion/enabledPercentage: ${JSON.stringify(captured.attributes)}`);
    }
    if (state.enabledPercentage === percentage) {
      return { targetKey: key, action: 'already-stable', detail: `flag already at ${percentage}% (${describeState(state)})` };
    }
    const drift = this.fleet.foreignChange(key);
    if (drift) return { targetKey: key, action: 'skipped-drifted', detail: `not restored to configuration version ${version}: ${drift}` };
    const before = describeState(state);
    // AppConfig rollback redeploys the captured hosted version rather than writing a new one.
    this.fleet.deployFlag(key, { configurationVersion: version }, 'restore');
    return { targetKey: key, action: 'restored', detail: `redeployed configuration version ${version} (${percentage}%); was ${before}` };
  }


  private refuseDrift(key: string): void {
    const drift = this.fleet.foreignChange(key);
    if (drift) throw new DriftError(drift);
  }
}

/** The routers of local mode: one simulated router serves both target kinds. */
export function simulatedTrafficRouters(fleet: SimulatedFleet): TrafficRouters {
  const router = new SimulatedTrafficRouter(fleet);
  return { 'lambda-alias': router, 'appconfig-flag': router };
}
