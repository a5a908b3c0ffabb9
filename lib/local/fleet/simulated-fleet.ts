import type { Cohort, MinuteAggregate } from '../../domain/aggregates';
import { MINUTE_MS, type Clock } from '../../domain/clock';
import { FLAG_NEW_VARIANT, FLAG_STABLE_VARIANT, targetKey, type Target } from '../../domain/targets';
import { binomialQuantile, hashParts, lognormalMean, lognormalQuantile, lognormalSurvival, Prng } from './prng';
import { resolveTargetModel, rpsAt, type ResolvedTargetModel, type TrafficModel, type VersionBehaviour } from './traffic-model';

export interface SimulatedFleetOptions {
  readonly model: TrafficModel;
  /** Same seed, same numbers: every figure is a function of (seed, target, minute, cohort). */
  readonly seed: number;
  /** Virtual time: decides which minutes exist and which are published yet. */
  readonly clock: Clock;
  /**
   * Start of the rollout, from which the regression's `afterMinutes` counts.
   * @default - the time of the first weight above 0 set on any target
   */
  readonly rolloutStart?: Date;
}

/** A Lambda alias as `GetAlias` describes it. */
export interface AliasState {
  readonly kind: 'lambda-alias';
  readonly functionVersion: string;
  /** The one version in `RoutingConfig.AdditionalVersionWeights`, or null when the alias has no weights. */
  readonly additionalVersion: string | null;
  /** Share of traffic, 0–1, sent to `additionalVersion`. */
  readonly additionalWeight: number;
  /** Changes on every update, by anyone: how fledge tells its own changes from foreign ones. */
  readonly revisionId: string;
}

/** An AppConfig feature flag's rollout percentage and the hosted configuration version that carries it. */
export interface FlagState {
  readonly kind: 'appconfig-flag';
  /** Percentage of evaluations that get the new variant ("on"). */
  readonly enabledPercentage: number;
  /** The deployed hosted configuration version. */
  readonly configurationVersion: number;
}

export type TargetState = AliasState | FlagState;

export type AliasRouting = Omit<AliasState, 'kind' | 'revisionId'>;

/** A foreign change for `tamper`; absent fields keep their value. */
export type TamperChange = Partial<AliasRouting> & { readonly enabledPercentage?: number };

export type WeightChangeCause = 'initial' | 'set-weight' | 'promote' | 'restore' | 'foreign-change';

/** One point of a target's weight history, for the report's charts. */
export interface WeightChange {
  /** Virtual time of the change, ISO. */
  readonly at: string;
  /** Share of traffic on the new version after the change, 0–100. */
  readonly weightPercent: number;
  readonly cause: WeightChangeCause;
}

export interface SeriesOptions {
  /** Requests slower than this count as slow. @default - no slow-request count (0) */
  readonly slowThresholdMs?: number;
  /** Also return ended minutes not yet published (for reports drawn after the fact). @default false */
  readonly includeUnpublished?: boolean;
}


/** CloudWatch returns at most 100,800 datapoints per query; a wider window is a caller's bug, not a request. */
const MAX_SERIES_MINUTES = 100_800;

/** Up to this many requests, latencies are sampled one by one; above it, percentiles come from quantiles plus sampling noise. */
const MAX_SAMPLED_REQUESTS = 500;

const PERCENTILES = [0.5, 0.9, 0.99] as const;

interface CohortMinute {
  /** Requests routed to the cohort, throttled or not. */
  readonly routed: number;
  readonly requests: number;
  readonly errors: number;
  readonly throttles: number;
  readonly percentilesMs: readonly [number, number, number];
  readonly concurrency: number;
  readonly behaviour: VersionBehaviour;
  /** Sorted latencies when the cohort had few requests, so slow counts agree with the percentiles. */
  readonly sampledLatencies: Float64Array | null;
  /** Slow-request counts already drawn, by threshold: the judge asks for the same threshold every evaluation. */
  readonly slowByThreshold: Map<number, number>;
}

interface MinuteFigures {
  readonly canary: CohortMinute;
  readonly baseline: CohortMinute;
}

interface TargetRecord {
  readonly key: string;
  readonly model: ResolvedTargetModel;
  /** The version (or variant) that served before the rollout: the baseline cohort. */
  stableVersion: string;
  /** The version (or variant) being rolled out: the canary cohort. */
  newVersion: string;
  state: TargetState;
  /** The revision (alias) or configuration version (flag) fledge last read at capture or wrote itself. */
  knownMarker: string;
  readonly history: { readonly atMs: number; readonly weightPercent: number; readonly cause: WeightChangeCause }[];
  /** AppConfig keeps every hosted version; rollback redeploys the captured one. Version → enabled percentage. */
  readonly flagVersions: Map<number, number>;
  /** Publication time by minute index, so repeated looks do not re-derive the delay. */
  readonly publishedAt: Map<number, number>;
  revisions: number;
}

/**
 * A simulated fleet of Lambda aliases and AppConfig flags, behind which traffic follows a
 * traffic model. The simulated traffic router changes its targets' state; the simulated metric
 * provider reads its per-minute, per-version aggregates, with CloudWatch's publishing delay.
 *
 * Aggregates are pure functions of (seed, target, minute, cohort) and of the weight in effect at
 * the start of the minute: looking at a minute twice, or in another order, gives the same numbers.
 */
export class SimulatedFleet {
  readonly model: TrafficModel;
  private readonly seed: number;
  private readonly clock: Clock;
  private rolloutStartMs: number | undefined;
  private readonly targets = new Map<string, TargetRecord>();
  private readonly figures = new Map<string, MinuteFigures>();

  constructor(options: SimulatedFleetOptions) {
    if (!Number.isInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
    this.model = options.model;
    this.seed = options.seed;
    this.clock = options.clock;
    this.rolloutStartMs = options.rolloutStart?.getTime();
  }

  /** When the rollout started (first weight above 0), or undefined before that. */
  get rolloutStart(): Date | undefined {
    return this.rolloutStartMs === undefined ? undefined : new Date(this.rolloutStartMs);
  }

  /**
   * Makes a target known, in its initial state if it is new: a Lambda alias on the version
   * before the new one (or "1"), without weights; a flag at 0% on configuration version 1.
   */
  register(target: Target): string {
    const key = targetKey(target);
    if (this.targets.has(key)) return key;
    const nowMs = this.clock.now().getTime();
    const record =
      target.kind === 'lambda-alias'
        ? this.newRecord(key, { kind: 'lambda-alias', functionVersion: String(Math.max(1, Number(target.newVersion) - 1)), additionalVersion: null, additionalWeight: 0, revisionId: '' }, target.newVersion)
        : this.newRecord(key, { kind: 'appconfig-flag', enabledPercentage: 0, configurationVersion: 1 }, FLAG_NEW_VARIANT);
    record.history.push({ atMs: nowMs, weightPercent: 0, cause: 'initial' });
    this.targets.set(key, record);
    return key;
  }

  /** Reads a target for a rollout: registers it, and remembers its revision as the one fledge knows. */
  capture(target: Target): TargetState {
    const record = this.record(this.register(target));
    if (record.state.kind === 'lambda-alias' && target.kind === 'lambda-alias') {
      record.stableVersion = record.state.functionVersion;
      record.newVersion = target.newVersion;
    }
    record.knownMarker = markerOf(record.state);
    return record.state;
  }

  /** Keys of every known target, in the order they became known. */
  targetKeys(): readonly string[] {
    return [...this.targets.keys()];
  }

  state(key: string): TargetState {
    return this.record(key).state;
  }

  versions(key: string): { readonly stable: string; readonly new: string } {
    const record = this.record(key);
    return { stable: record.stableVersion, new: record.newVersion };
  }

  /**
   * Describes the foreign change if the target's revision (or deployed configuration version)
   * is not the one fledge last read or wrote; undefined when there is none.
   */
  foreignChange(key: string): string | undefined {
    const record = this.record(key);
    const current = markerOf(record.state);
    if (current === record.knownMarker) return undefined;
    const what = record.state.kind === 'lambda-alias' ? 'revision' : 'deployed configuration version';
    return `${key} was changed outside this rollout: expected ${what} ${record.knownMarker}, found ${current} (${describeState(record.state)})`;
  }

  /** Sets an alias's routing as fledge's own write (a new RevisionId that fledge knows). */
  updateAlias(key: string, routing: AliasRouting, cause: Exclude<WeightChangeCause, 'initial' | 'foreign-change'>): AliasState {
    const record = this.record(key);
    if (record.state.kind !== 'lambda-alias') throw new Error(`${key} is not a Lambda alias`);
    const state = this.writeAlias(record, routing);
    record.knownMarker = markerOf(state);
    this.recordWeight(record, cause);
    return state;
  }

  /**
   * Deploys a flag as fledge's own write: a new hosted configuration version carrying
   * `enabledPercentage`, or a redeploy of an existing version (rollback).
   */
  deployFlag(
    key: string,
    deployment: { readonly enabledPercentage: number } | { readonly configurationVersion: number },
    cause: Exclude<WeightChangeCause, 'initial' | 'foreign-change'>,
  ): FlagState {
    const record = this.record(key);
    if (record.state.kind !== 'appconfig-flag') throw new Error(`${key} is not an AppConfig flag`);
    const state = this.writeFlag(record, deployment);
    record.knownMarker = markerOf(state);
    this.recordWeight(record, cause);
    return state;
  }

  /**
   * Simulates someone else changing the target (a console edit, another pipeline). With no
   * change given it only bumps the alias revision, or deploys a new configuration version with
   * the same percentage: enough for drift detection to notice.
   */
  tamper(key: string, change: TamperChange = {}): TargetState {
    const record = this.record(key);
    if (record.state.kind === 'lambda-alias') {
      const { functionVersion, additionalVersion, additionalWeight } = { ...record.state, ...change };
      this.writeAlias(record, { functionVersion, additionalVersion, additionalWeight });
    } else {
      this.writeFlag(record, { enabledPercentage: change.enabledPercentage ?? record.state.enabledPercentage });
    }
    this.recordWeight(record, 'foreign-change');
    return record.state;
  }

  /** Every change of the new version's weight on this target, oldest first. */
  history(key: string): readonly WeightChange[] {
    return this.record(key).history.map((h) => ({ at: new Date(h.atMs).toISOString(), weightPercent: h.weightPercent, cause: h.cause }));
  }

  /** The new version's weight (0–100) in effect at `at`. */
  weightAt(key: string, at: Date): number {
    return this.weightAtMs(this.record(key), at.getTime());
  }

  /** When the minute starting at `minuteStart` becomes visible: its end plus a per-(target, minute) delay. */
  publishedAt(key: string, minuteStart: Date): Date {
    const record = this.record(key);
    return new Date(this.publishedAtMs(record, Math.floor(minuteStart.getTime() / MINUTE_MS)));
  }

  /**
   * Per-minute aggregates of one cohort for the minutes starting in [from, to), as CloudWatch
   * would return them at the clock's current time: minutes not yet published are left out, and
   * so are minutes in which the cohort received no requests.
   */
  series(key: string, cohort: Cohort, from: Date, to: Date, options: SeriesOptions = {}): MinuteAggregate[] {
    const record = this.record(key);
    const nowMs = this.clock.now().getTime();
    const first = Math.ceil(from.getTime() / MINUTE_MS);
    // Only minutes that have ended exist: later ones would depend on weights not set yet.
    const last = Math.min(Math.ceil(to.getTime() / MINUTE_MS) - 1, Math.floor(nowMs / MINUTE_MS) - 1);
    if (last - first + 1 > MAX_SERIES_MINUTES) {
      throw new RangeError(`a series spans at most ${MAX_SERIES_MINUTES} minutes; asked for ${from.toISOString()} to ${to.toISOString()}`);
    }
    const series: MinuteAggregate[] = [];
    for (let minute = first; minute <= last; minute++) {
      if (!options.includeUnpublished && this.publishedAtMs(record, minute) > nowMs) continue;
      const aggregate = this.aggregate(record, minute, cohort, options.slowThresholdMs);
      if (aggregate) series.push(aggregate);
    }
    return series;
  }

  /** A target in its initial state; an alias's revision id is assigned here, so pass it empty. */
  private newRecord(key: string, initial: TargetState, newVersion: string): TargetRecord {
    const record: TargetRecord = {
      key,
      model: resolveTargetModel(this.model, key),
      stableVersion: initial.kind === 'lambda-alias' ? initial.functionVersion : FLAG_STABLE_VARIANT,
      newVersion,
      state: initial,
      knownMarker: '',
      history: [],
      flagVersions: new Map([[1, 0]]),
      publishedAt: new Map(),
      revisions: 0,
    };
    if (record.state.kind === 'lambda-alias') record.state = { ...record.state, revisionId: this.nextRevisionId(record) };
    record.knownMarker = markerOf(record.state);
    return record;
  }

  private record(key: string): TargetRecord {
    const record = this.targets.get(key);
    if (!record) throw new Error(`unknown target ${key}: targets become known when first captured`);
    return record;
  }

  private writeAlias(record: TargetRecord, routing: AliasRouting): AliasState {
    const weight = routing.additionalVersion === null ? 0 : routing.additionalWeight;
    if (!(weight >= 0 && weight <= 1)) throw new RangeError(`alias weight must be between 0 and 1, got ${weight}`);
    const state: AliasState = {
      kind: 'lambda-alias',
      functionVersion: routing.functionVersion,
      additionalVersion: routing.additionalVersion,
      additionalWeight: weight,
      revisionId: this.nextRevisionId(record),
    };
    record.state = state;
    return state;
  }

  private writeFlag(record: TargetRecord, deployment: { readonly enabledPercentage: number } | { readonly configurationVersion: number }): FlagState {
    let state: FlagState;
    if ('configurationVersion' in deployment) {
      const enabledPercentage = record.flagVersions.get(deployment.configurationVersion);
      if (enabledPercentage === undefined) throw new Error(`${record.key} has no hosted configuration version ${deployment.configurationVersion}`);
      state = { kind: 'appconfig-flag', enabledPercentage, configurationVersion: deployment.configurationVersion };
    } else {
      const { enabledPercentage } = deployment;
      if (!(enabledPercentage >= 0 && enabledPercentage <= 100)) throw new RangeError(`flag percentage must be between 0 and 100, got ${enabledPercentage}`);
      const configurationVersion = Math.max(...record.flagVersions.keys()) + 1;
      record.flagVersions.set(configurationVersion, enabledPercentage);
      state = { kind: 'appconfig-flag', enabledPercentage, configurationVersion };
    }
    record.state = state;
    return state;
  }

  /** Deterministic, UUID-shaped revision ids: reruns with the same seed print the same ledger. */
  private nextRevisionId(record: TargetRecord): string {
    const n = record.revisions++;
    const hex = [0, 1, 2, 3].map((i) => hashParts([this.seed, record.key, 'revision', n, i]).toString(16).padStart(8, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }

  private recordWeight(record: TargetRecord, cause: WeightChangeCause): void {
    const nowMs = this.clock.now().getTime();
    const weightPercent = newVersionWeight(record.state, record.newVersion);
    record.history.push({ atMs: nowMs, weightPercent, cause });
    if (weightPercent > 0 && this.rolloutStartMs === undefined && cause !== 'foreign-change') this.rolloutStartMs = nowMs;
  }

  private weightAtMs(record: TargetRecord, atMs: number): number {
    for (let i = record.history.length - 1; i >= 0; i--) {
      if (record.history[i].atMs <= atMs) return record.history[i].weightPercent;
    }
    // Before the target became known it served the stable version only.
    return 0;
  }

  private publishedAtMs(record: TargetRecord, minute: number): number {
    const cached = record.publishedAt.get(minute);
    if (cached !== undefined) return cached;
    const { min, max } = record.model.publishDelayMinutes;
    const delayMinutes = Prng.for(this.seed, record.key, minute, 'publish-delay').uniform(min, max);
    const publishedAt = (minute + 1) * MINUTE_MS + Math.round(delayMinutes * MINUTE_MS);
    record.publishedAt.set(minute, publishedAt);
    return publishedAt;
  }

  private regressionActive(record: TargetRecord, minuteStartMs: number, weightPercent: number): boolean {
    if (this.rolloutStartMs === undefined) return false;
    const { afterMinutes, aboveWeight } = record.model.regression;
    return minuteStartMs >= this.rolloutStartMs + afterMinutes * MINUTE_MS && weightPercent >= aboveWeight;
  }

  private aggregate(record: TargetRecord, minute: number, cohort: Cohort, slowThresholdMs: number | undefined): MinuteAggregate | undefined {
    const figures = this.minuteFigures(record, minute)[cohort];
    // CloudWatch has no datapoint for a minute without invocations.
    if (figures.routed === 0) return undefined;
    const [p50Ms, p90Ms, p99Ms] = figures.percentilesMs;
    return {
      minute: new Date(minute * MINUTE_MS).toISOString(),
      requests: figures.requests,
      errors: figures.errors,
      throttles: figures.throttles,
      slowRequests: slowThresholdMs === undefined ? 0 : this.slowRequests(record, minute, cohort, figures, slowThresholdMs),
      ...(figures.requests > 0 ? { p50Ms, p90Ms, p99Ms, concurrency: figures.concurrency } : {}),
    };
  }

  /**
   * Requests slower than the threshold. One fixed uniform per (target, minute, cohort) feeds
   * the binomial inversion, so the count never rises when the threshold rises, whatever
   * thresholds the judge asks for and in whatever order.
   */
  private slowRequests(record: TargetRecord, minute: number, cohort: Cohort, figures: CohortMinute, thresholdMs: number): number {
    if (figures.sampledLatencies) return countAbove(figures.sampledLatencies, thresholdMs);
    const cached = figures.slowByThreshold.get(thresholdMs);
    if (cached !== undefined) return cached;
    const { medianMs, sigma } = figures.behaviour.latency;
    const u = Prng.for(this.seed, record.key, minute, cohort, 'slow').next();
    const slow = binomialQuantile(figures.requests, lognormalSurvival(thresholdMs, medianMs, sigma), u);
    figures.slowByThreshold.set(thresholdMs, slow);
    return slow;
  }

  private minuteFigures(record: TargetRecord, minute: number): MinuteFigures {
    const minuteStartMs = minute * MINUTE_MS;
    const weight = this.weightAtMs(record, minuteStartMs);
    const active = this.regressionActive(record, minuteStartMs, weight);
    // The weight and the onset are part of the key: the same inputs always give the same figures.
    const memoKey = `${record.key}|${minute}|${weight}|${active ? 1 : 0}`;
    const cached = this.figures.get(memoKey);
    if (cached) return cached;

    const { model } = record;
    const total = Prng.for(this.seed, record.key, minute, 'total').poisson(rpsAt(model, minute) * 60);
    // Lambda routes each request at random, so the canary's share varies around its weight.
    const canaryRouted = Prng.for(this.seed, record.key, minute, 'split').binomial(total, weight / 100);
    const canaryBehaviour = active ? model.regressed : model.stable;
    const routed = { canary: canaryRouted, baseline: total - canaryRouted };
    // Little's law over both versions: demand above the concurrency limit is throttled.
    const demand = concurrencyOf(routed.canary, canaryBehaviour) + concurrencyOf(routed.baseline, model.stable);
    const overload = demand > model.concurrencyLimit ? 1 - model.concurrencyLimit / demand : 0;

    const result: MinuteFigures = {
      canary: this.cohortFigures(record, minute, 'canary', routed.canary, canaryBehaviour, overload),
      baseline: this.cohortFigures(record, minute, 'baseline', routed.baseline, model.stable, overload),
    };
    this.figures.set(memoKey, result);
    return result;
  }

  private cohortFigures(record: TargetRecord, minute: number, cohort: Cohort, routed: number, behaviour: VersionBehaviour, overload: number): CohortMinute {
    const stream = (purpose: string) => Prng.for(this.seed, record.key, minute, cohort, purpose);
    const throttleProbability = 1 - (1 - behaviour.throttleRate) * (1 - overload);
    // Throttled requests never run: Lambda counts them in Throttles, not in Invocations.
    const throttles = stream('throttles').binomial(routed, throttleProbability);
    const requests = routed - throttles;
    const errors = stream('errors').binomial(requests, behaviour.errorRate);
    const { medianMs, sigma } = behaviour.latency;

    let sampledLatencies: Float64Array | null = null;
    let percentilesMs: [number, number, number];
    if (requests <= MAX_SAMPLED_REQUESTS) {
      const rng = stream('latency');
      sampledLatencies = new Float64Array(requests);
      for (let i = 0; i < requests; i++) sampledLatencies[i] = rng.lognormal(medianMs, sigma);
      sampledLatencies.sort();
      const sample = sampledLatencies;
      percentilesMs = requests === 0 ? [0, 0, 0] : (PERCENTILES.map((q) => sample[Math.ceil(q * requests) - 1]) as [number, number, number]);
    } else {
      // The empirical q-quantile of n draws sits at F⁻¹(q ± sqrt(q(1-q)/n)): noise shrinks as 1/sqrt(n).
      const rng = stream('percentiles');
      percentilesMs = PERCENTILES.map((q) => {
        const noisy = q + Math.sqrt((q * (1 - q)) / requests) * rng.normal();
        const clamped = Math.min(1 - 0.5 / requests, Math.max(0.5 / requests, noisy));
        return lognormalQuantile(clamped, medianMs, sigma);
      }) as [number, number, number];
    }
    percentilesMs = [round2(percentilesMs[0]), round2(Math.max(percentilesMs[0], percentilesMs[1])), round2(Math.max(percentilesMs[0], percentilesMs[1], percentilesMs[2]))];

    // Peak concurrency in the minute: the Little's-law mean plus a Poisson-like peak margin.
    const meanConcurrency = concurrencyOf(requests, behaviour);
    const peak = meanConcurrency + Math.sqrt(meanConcurrency) * (2 + 0.25 * stream('concurrency').normal());
    const concurrency = requests === 0 ? 0 : Math.min(record.model.concurrencyLimit, Math.max(1, Math.ceil(peak)));

    return { routed, requests, errors, throttles, percentilesMs, concurrency, behaviour, sampledLatencies, slowByThreshold: new Map() };
  }
}

/** The new version's share of traffic (0–100) implied by a target's state. */
export function newVersionWeight(state: TargetState, newVersion: string): number {
  if (state.kind === 'appconfig-flag') return state.enabledPercentage;
  let share = 0;
  if (state.functionVersion === newVersion) share = state.additionalVersion === null ? 1 : 1 - state.additionalWeight;
  else if (state.additionalVersion === newVersion) share = state.additionalWeight;
  // Weights are stored as fractions; keep the percentages free of float noise (0.07 * 100 = 7.000000000000001).
  return Math.round(share * 100 * 1e6) / 1e6;
}

/** One line for messages and ledger details, e.g. "version 3, 10% on version 4, revision 1a2b…". */
export function describeState(state: TargetState): string {
  if (state.kind === 'appconfig-flag') return `flag at ${state.enabledPercentage}% on configuration version ${state.configurationVersion}`;
  const routing = state.additionalVersion === null ? 'no routing weights' : `${round2(state.additionalWeight * 100)}% on version ${state.additionalVersion}`;
  return `alias on version ${state.functionVersion}, ${routing}, revision ${state.revisionId}`;
}

function markerOf(state: TargetState): string {
  return state.kind === 'lambda-alias' ? state.revisionId : String(state.configurationVersion);
}

/** Mean concurrent executions for `requests` in a minute: arrival rate × mean duration. */
function concurrencyOf(requests: number, behaviour: VersionBehaviour): number {
  return (requests / 60) * (lognormalMean(behaviour.latency.medianMs, behaviour.latency.sigma) / 1000);
}

/** Count of sorted values strictly above `threshold`, by binary search. */
function countAbove(sorted: Float64Array, threshold: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= threshold) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
