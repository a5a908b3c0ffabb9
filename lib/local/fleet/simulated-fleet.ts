import type { Cohort, MinuteAggregate } from '../../domain/aggregates';
import { MINUTE_MS, type Clock } from '../../domain/clock';
import { FLAG_NEW_VARIANT, FLAG_STABLE_VARIANT, targetKey, type Target } from '../../domain/targets';
import { hashParts, Prng } from './prng';
import { aggregateSlices, drawSlice, SLICE_MS, SLICES_PER_MINUTE, type CohortSlice } from './traffic-slices';
import { resolveTargetModel, rpsAt, type ResolvedTargetModel, type TrafficModel } from './traffic-model';

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
  /**
   * Slices already drawn by other fleets of the same model and seed, reused instead of drawn
   * again: many runs of one world (a fault matrix) share their history up to where they part.
   * @default - this fleet's own
   */
  readonly drawnSlices?: DrawnSlices;
}

/** Slices drawn for one model and seed, shareable between fleets: a slice is a pure function of both. */
export class DrawnSlices {
  readonly slices = new Map<string, SliceRecord>();

  constructor(
    readonly model: TrafficModel,
    readonly seed: number,
  ) {}
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

/** One slice of a target's traffic, as drawn once the slice has begun. */
export interface SliceRecord {
  /** The weight and the regression state the slice was drawn with (both are fixed once it starts). */
  readonly weight: number;
  readonly active: boolean;
  readonly canary: CohortSlice;
  readonly baseline: CohortSlice;
  /** When CloudWatch has the slice: its end plus a per-(target, slice) delay. */
  readonly visibleAtMs: number;
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
  /** Slices drawn so far, by slice index since the epoch. */
  readonly slices: Map<number, SliceRecord>;
  /** Minutes whose every slice is visible, by cohort and threshold, then by minute: they can no longer change. */
  readonly complete: Map<string, Map<number, MinuteAggregate | null>>;
  revisions: number;
}

/**
 * A simulated fleet of Lambda aliases and AppConfig flags, behind which traffic follows a
 * traffic model. The simulated traffic router changes its targets' state; the simulated metric
 * provider reads its per-minute, per-version aggregates, with CloudWatch's publishing delay.
 *
 * Traffic is drawn in ten-second slices (see traffic-slices.ts), each a pure function of (seed,
 * target, slice) and of the weight in effect when it began: looking at a minute twice, or in another
 * order, gives the same numbers, and the part of a minute already published only grows.
 */
export class SimulatedFleet {
  readonly model: TrafficModel;
  private readonly seed: number;
  private readonly clock: Clock;
  private rolloutStartMs: number | undefined;
  private readonly targets = new Map<string, TargetRecord>();
  private readonly drawn: DrawnSlices | undefined;

  constructor(options: SimulatedFleetOptions) {
    if (!Number.isInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
    if (options.drawnSlices && (options.drawnSlices.model !== options.model || options.drawnSlices.seed !== options.seed)) {
      throw new Error('drawnSlices were drawn for another model or seed: a fleet can only reuse slices of its own model and seed');
    }
    this.drawn = options.drawnSlices;
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

  /** When the minute starting at `minuteStart` is wholly visible: when its last slice arrives. */
  publishedAt(key: string, minuteStart: Date): Date {
    const record = this.record(key);
    const first = Math.floor(minuteStart.getTime() / MINUTE_MS) * SLICES_PER_MINUTE;
    let latest = 0;
    for (let slice = first; slice < first + SLICES_PER_MINUTE; slice++) latest = Math.max(latest, this.visibleAtMs(record, slice));
    return new Date(latest);
  }

  /**
   * Per-minute aggregates of one cohort for the minutes starting in [from, to), as CloudWatch
   * would return them at the clock's current time: each minute holds the slices that have arrived,
   * so the newest minutes are partial; minutes with nothing visible, or in which the cohort received
   * no requests, are left out. With `includeUnpublished`, every ended minute is whole.
   */
  series(key: string, cohort: Cohort, from: Date, to: Date, options: SeriesOptions = {}): MinuteAggregate[] {
    const record = this.record(key);
    const nowMs = this.clock.now().getTime();
    const first = Math.ceil(from.getTime() / MINUTE_MS);
    // Only slices that have ended exist: later ones would depend on weights not set yet.
    const lastStarted = options.includeUnpublished ? Math.floor(nowMs / MINUTE_MS) - 1 : Math.floor(nowMs / MINUTE_MS);
    const last = Math.min(Math.ceil(to.getTime() / MINUTE_MS) - 1, lastStarted);
    if (last - first + 1 > MAX_SERIES_MINUTES) {
      throw new RangeError(`a series spans at most ${MAX_SERIES_MINUTES} minutes; asked for ${from.toISOString()} to ${to.toISOString()}`);
    }
    const series: MinuteAggregate[] = [];
    const cacheKey = `${cohort}|${options.slowThresholdMs ?? ''}`;
    let complete = record.complete.get(cacheKey);
    if (!complete) record.complete.set(cacheKey, (complete = new Map()));
    for (let minute = first; minute <= last; minute++) {
      const aggregate = this.aggregate(record, minute, cohort, options.slowThresholdMs, options.includeUnpublished === true, nowMs, complete);
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
      slices: new Map(),
      complete: new Map(),
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

  private visibleAtMs(record: TargetRecord, slice: number): number {
    const { min, max } = record.model.publishDelayMinutes;
    const delayMinutes = Prng.for(this.seed, record.key, slice, 'publish-delay').uniform(min, max);
    return (slice + 1) * SLICE_MS + Math.round(delayMinutes * MINUTE_MS);
  }

  private regressionActive(record: TargetRecord, startMs: number, weightPercent: number): boolean {
    if (this.rolloutStartMs === undefined) return false;
    const { afterMinutes, aboveWeight } = record.model.regression;
    return startMs >= this.rolloutStartMs + afterMinutes * MINUTE_MS && weightPercent >= aboveWeight;
  }

  private aggregate(
    record: TargetRecord,
    minute: number,
    cohort: Cohort,
    slowThresholdMs: number | undefined,
    whole: boolean,
    nowMs: number,
    complete: Map<number, MinuteAggregate | null>,
  ): MinuteAggregate | undefined {
    const cached = complete.get(minute);
    if (cached !== undefined) return cached ?? undefined;
    const slices: CohortSlice[] = [];
    let arrived = 0;
    for (let slice = minute * SLICES_PER_MINUTE; slice < (minute + 1) * SLICES_PER_MINUTE; slice++) {
      if ((slice + 1) * SLICE_MS > nowMs) break;
      const drawn = this.slice(record, slice);
      if (!whole && drawn.visibleAtMs > nowMs) continue;
      if (drawn.visibleAtMs <= nowMs) arrived++;
      slices.push(drawn[cohort]);
    }
    if (slices.length === 0) return undefined;
    const aggregate = aggregateSlices({ seed: this.seed, targetKey: record.key, minute, cohort, concurrencyLimit: record.model.concurrencyLimit }, slices, slowThresholdMs);
    // A minute can only change while some of it is still on its way.
    if (arrived === SLICES_PER_MINUTE) complete.set(minute, aggregate ?? null);
    return aggregate;
  }

  private slice(record: TargetRecord, slice: number): SliceRecord {
    const startMs = slice * SLICE_MS;
    const weight = this.weightAtMs(record, startMs);
    const active = this.regressionActive(record, startMs, weight);
    const cached = record.slices.get(slice);
    // A slice is fixed once it has begun; the check only guards against a history rewritten behind it.
    if (cached && cached.weight === weight && cached.active === active) return cached;
    const sharedKey = `${record.key}|${slice}|${weight}|${active}`;
    const shared = this.drawn?.slices.get(sharedKey);
    if (shared) {
      record.slices.set(slice, shared);
      return shared;
    }
    const { model } = record;
    const drawn = drawSlice({
      seed: this.seed,
      targetKey: record.key,
      slice,
      rps: rpsAt(model, Math.floor(startMs / MINUTE_MS)),
      canaryShare: weight / 100,
      canary: active ? model.regressed : model.stable,
      stable: model.stable,
      concurrencyLimit: model.concurrencyLimit,
    });
    const result: SliceRecord = { weight, active, ...drawn, visibleAtMs: this.visibleAtMs(record, slice) };
    record.slices.set(slice, result);
    this.drawn?.slices.set(sharedKey, result);
    return result;
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

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
