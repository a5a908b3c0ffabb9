/**
 * Rolls an AppConfig feature flag out by percentage.
 *
 * The flag contract (README "Flags"):
 * - The configuration profile is an `AWS.AppConfig.FeatureFlags` profile in the hosted store.
 * - The flag defines a number attribute `rolloutPercentage` (0–100) next to `enabled`.
 * - The application turns the feature on for a request when `enabled` is true and
 *   `bucket(key) < rolloutPercentage`, where `bucket` is a stable hash of the user or request key
 *   into 0–99. The same user stays in the same variant while the percentage grows.
 * - fledge writes `enabled: true` and `rolloutPercentage: N` into `values[flag]` and changes nothing
 *   else: flag definitions and every other flag stay as they were in the captured version.
 * - Variants: `off` (stable) and `on` (new). Applications publish their per-variant metrics with
 *   these values; a disabled flag counts as 0%.
 *
 * Each step is a new hosted configuration version deployed with the immediate strategy the stack
 * creates (0 minutes, no bake, 100% growth). Rollback stops an in-progress deployment (AppConfig
 * rolls it back) and redeploys exactly the captured version; it never writes a new one.
 *
 * AWS facts this relies on:
 * - One deployment per environment at a time: a second StartDeployment gets ConflictException,
 *   which becomes DeploymentInProgressError and is retried by the state machine.
 * - The Lambda extension polls every 45 s by default, so a change reaches functions up to ~45 s
 *   after its deployment completes. The judge's evidence does not depend on the weight; what does
 *   (the traffic share) starts after FLAG_PROPAGATION_SECONDS (lib/controller/evaluation-window.ts).
 * - Targets must name the application, environment and profile by id (4–7 lowercase letters and
 *   digits), as the controller's IAM policy does. Names are not resolved.
 *
 * SDK commands used (the controller's IAM policy): ListDeployments, GetDeployment, StartDeployment,
 * StopDeployment, GetHostedConfigurationVersion, ListHostedConfigurationVersions,
 * CreateHostedConfigurationVersion.
 */
import {
  CreateHostedConfigurationVersionCommand,
  GetDeploymentCommand,
  GetHostedConfigurationVersionCommand,
  ListDeploymentsCommand,
  ListHostedConfigurationVersionsCommand,
  StartDeploymentCommand,
  StopDeploymentCommand,
  type AppConfigClient,
  type DeploymentState,
  type DeploymentSummary,
} from '@aws-sdk/client-appconfig';
import { z } from 'zod';
import { systemClock, type Clock } from '../../domain/clock';
import { DriftError, PreconditionError, TransientError, ValidationError } from '../../domain/errors';
import { FLAG_NEW_VARIANT, FLAG_STABLE_VARIANT, targetKey, type AppConfigFlagTarget } from '../../domain/targets';
import { awsCall, DeploymentInProgressError } from '../aws-errors';
import { capturedKey, checkWeight, type CapturedState, type RestoreResult, type TrafficRouter } from './traffic-router';

/** The flag attribute that carries the rollout percentage. */
export const ROLLOUT_ATTRIBUTE = 'rolloutPercentage';

/** Only `send` is used, so tests can inject `mockClient(AppConfigClient)`. */
export type AppConfigFlagClient = Pick<AppConfigClient, 'send'>;

export interface AppConfigFlagRouterProps {
  readonly client: AppConfigFlagClient;
  /** The immediate deployment strategy the controller stack creates (0 minutes, no bake, 100% growth). */
  readonly deploymentStrategyId: string;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Waits between GetDeployment polls; tests pass one that advances their clock. @default - a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default 2000 */
  readonly pollIntervalMs?: number;
  /** How long to wait for a deployment to end before a retriable TransientError. @default 90000 */
  readonly deploymentTimeoutMs?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 2_000;
const DEFAULT_DEPLOYMENT_TIMEOUT_MS = 90_000;
const APPCONFIG_ID = /^[a-z0-9]{4,7}$/;
const PAGE_SIZE = 50;
const SETTLED: ReadonlySet<DeploymentState> = new Set<DeploymentState>(['COMPLETE', 'ROLLED_BACK', 'REVERTED']);
const IN_PROGRESS: ReadonlySet<DeploymentState> = new Set<DeploymentState>(['DEPLOYING', 'BAKING', 'VALIDATING', 'ROLLING_BACK']);

interface FlagIds {
  readonly applicationId: string;
  readonly environmentId: string;
  readonly profileId: string;
}

/** The captured state's attributes, checked. */
interface CapturedFlag {
  readonly key: string;
  readonly flag: string;
  readonly ids: FlagIds;
  readonly version: number;
  /** Versions above this one were created after capture: only those can be fledge's. */
  readonly latestVersionNumber: number;
}

interface DeploymentRef {
  readonly number: number;
  readonly version: number;
  readonly state: DeploymentState;
}

/** What ListDeployments says about the environment, from this profile's point of view. */
interface DeploymentView {
  /** The newest deployment of the environment, any profile: StartDeployment's optimistic lock. */
  readonly latestNumber: number | undefined;
  /** The latest COMPLETE deployment of this profile: what functions read. */
  readonly current: DeploymentRef | undefined;
  readonly inProgress: DeploymentRef | undefined;
  /** An in-progress deployment of another profile: it blocks ours, but fledge never stops it. */
  readonly busyElsewhere: DeploymentRef | undefined;
}

export class AppConfigFlagRouter implements TrafficRouter<AppConfigFlagTarget> {
  private readonly client: AppConfigFlagClient;
  private readonly strategyId: string;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pollIntervalMs: number;
  private readonly timeoutMs: number;

  constructor(props: AppConfigFlagRouterProps) {
    if (!props.deploymentStrategyId) throw new Error('AppConfigFlagRouter: deploymentStrategyId is required (the immediate strategy the stack creates)');
    this.client = props.client;
    this.strategyId = props.deploymentStrategyId;
    this.clock = props.clock ?? systemClock;
    this.sleep = props.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.pollIntervalMs = positive('pollIntervalMs', props.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    this.timeoutMs = positive('deploymentTimeoutMs', props.deploymentTimeoutMs ?? DEFAULT_DEPLOYMENT_TIMEOUT_MS);
  }

  async capture(target: AppConfigFlagTarget): Promise<CapturedState> {
    const key = targetKey(target);
    const ids = idsOf(key, target);
    const view = await this.deployments(ids, `${key}: check the application and environment ids`);
    if (view.inProgress) throw inProgressError(key, ids, view.inProgress);
    const current = requireCurrent(key, ids, view);
    const doc = await this.readVersion(ids, current.version);
    refuseUnusableFlag(key, doc, target.flag, current.version);
    const shown = percentageShown(doc, target.flag);
    if (shown !== 0) {
      throw new PreconditionError(
        `${key} is already enabled for ${shown ?? 'an unreadable'}% (${describeFlag(doc, target.flag, current.version)}): roll it back to 0% before starting`,
      );
    }
    const latestVersionNumber = await this.latestVersionNumber(ids);
    return {
      targetKey: key,
      kind: 'appconfig-flag',
      stableVersion: FLAG_STABLE_VARIANT,
      newVersion: FLAG_NEW_VARIANT,
      attributes: { configurationVersion: current.version, ...ids, latestVersionNumber, percentage: 0 },
    };
  }

  async setWeight(target: AppConfigFlagTarget, captured: CapturedState, weightPercent: number, previousWeightPercent: number): Promise<void> {
    checkWeight(weightPercent);
    await this.moveTo(capturedFlag(target, captured), weightPercent, previousWeightPercent);
  }

  /** The flag stays on at 100%: removing it from the code is the application's next release. */
  async promote(target: AppConfigFlagTarget, captured: CapturedState, previousWeightPercent: number): Promise<void> {
    await this.moveTo(capturedFlag(target, captured), 100, previousWeightPercent);
  }

  async restore(target: AppConfigFlagTarget, captured: CapturedState): Promise<RestoreResult> {
    const c = capturedFlag(target, captured);
    let view = await this.deployments(c.ids);
    const stopped = view.inProgress;
    if (stopped) {
      await this.stop(c, stopped);
      view = await this.deployments(c.ids);
      if (view.inProgress) throw inProgressError(c.key, c.ids, view.inProgress);
    }
    const current = requireCurrent(c.key, c.ids, view);
    if (current.version === c.version) {
      // Stopping a deployment that started from the captured version is itself the restore.
      return stopped
        ? { targetKey: c.key, action: 'restored', detail: `stopped deployment ${stopped.number} of configuration version ${stopped.version}; configuration version ${c.version} (flag at 0%) is deployed again` }
        : { targetKey: c.key, action: 'already-stable', detail: `configuration version ${c.version} (flag at 0%) is already deployed` };
    }
    const capturedDoc = await this.readVersion(c.ids, c.version);
    const deployedDoc = await this.readVersion(c.ids, current.version);
    const before = describeFlag(deployedDoc, c.flag, current.version);
    // Overwriting a version fledge did not write could undo a fix made by hand during an incident.
    if (!isFledgeVersion(c, current.version, deployedDoc, capturedDoc)) {
      return { targetKey: c.key, action: 'skipped-drifted', detail: `not restored to configuration version ${c.version}: ${foreignChange(c, current.version)}` };
    }
    await this.deploy(c, c.version, view.latestNumber, `fledge rollback: ${c.flag} back to configuration version ${c.version}`);
    return { targetKey: c.key, action: 'restored', detail: `redeployed configuration version ${c.version} (flag at 0%); was ${before}` };
  }

  /**
   * Deploys the captured content with the flag at `weight`, only if what is deployed is what fledge
   * left (`previous`). Already at `weight` means a retried call whose first deployment landed.
   */
  private async moveTo(c: CapturedFlag, weight: number, previous: number): Promise<void> {
    const view = await this.deployments(c.ids);
    const capturedDoc = await this.readVersion(c.ids, c.version);
    if (view.inProgress) return this.awaitOwnDeployment(c, view.inProgress, capturedDoc, weight);
    if (view.busyElsewhere) throw inProgressError(c.key, c.ids, view.busyElsewhere);
    const current = requireCurrent(c.key, c.ids, view);
    const deployedDoc = current.version === c.version ? capturedDoc : await this.readVersion(c.ids, current.version);
    if (!isFledgeVersion(c, current.version, deployedDoc, capturedDoc)) throw new DriftError(foreignChange(c, current.version));
    const shown = percentageShown(deployedDoc, c.flag);
    if (shown === weight) return;
    if (shown !== previous) {
      throw new DriftError(
        `${c.key} was changed outside this rollout: expected the flag at ${previous}% (set last by fledge), found ${describeFlag(deployedDoc, c.flag, current.version)}`,
      );
    }
    const version = await this.versionWith(c, withRollout(capturedDoc, c.flag, weight), weight);
    await this.deploy(c, version, view.latestNumber, `fledge: ${c.flag} at ${weight}%`);
  }

  /**
   * A retried shift can find its own deployment still running (the first attempt timed out while
   * waiting): wait for it. Any other deployment of the profile is someone else's: retry later.
   */
  private async awaitOwnDeployment(c: CapturedFlag, running: DeploymentRef, capturedDoc: FlagDocument, weight: number): Promise<void> {
    if (running.state === 'ROLLING_BACK') throw inProgressError(c.key, c.ids, running);
    const doc = await this.readVersion(c.ids, running.version);
    const ours = isFledgeVersion(c, running.version, doc, capturedDoc) && percentageShown(doc, c.flag) === weight;
    if (!ours) throw inProgressError(c.key, c.ids, running);
    await this.expectComplete(c, running.number, running.version);
  }

  /**
   * The hosted version carrying `doc`. A version fledge created but never deployed (StartDeployment
   * hit a conflict) is the newest one and is reused, so retries do not pile up versions.
   */
  private async versionWith(c: CapturedFlag, doc: FlagDocument, weight: number): Promise<number> {
    const latest = await this.latestVersionNumber(c.ids);
    if (latest > c.latestVersionNumber && canonical(await this.readVersion(c.ids, latest)) === canonical(doc)) return latest;
    return this.createVersion(c, doc, latest, `fledge: ${c.flag} at ${weight}%`);
  }

  /**
   * Newest deployment first (ListDeployments' documented order). Only one deployment per
   * environment runs at a time, so an in-progress one is always newer than the profile's current.
   */
  private async deployments(ids: FlagIds, hint?: string): Promise<DeploymentView> {
    let latestNumber: number | undefined;
    let inProgress: DeploymentRef | undefined;
    let busyElsewhere: DeploymentRef | undefined;
    let nextToken: string | undefined;
    do {
      const page = await awsCall(`ListDeployments ${ids.applicationId}/${ids.environmentId}`, () =>
        this.client.send(new ListDeploymentsCommand({ ApplicationId: ids.applicationId, EnvironmentId: ids.environmentId, MaxResults: PAGE_SIZE, NextToken: nextToken })),
      ).catch((error: unknown) => {
        throw hint && error instanceof PreconditionError ? new PreconditionError(`${error.message} (${hint})`, { cause: error }) : error;
      });
      for (const item of page.Items ?? []) {
        latestNumber ??= item.DeploymentNumber;
        const running = item.State !== undefined && IN_PROGRESS.has(item.State);
        if (item.ConfigurationProfileId !== ids.profileId) {
          if (running) busyElsewhere ??= deploymentRef(item);
          continue;
        }
        if (running) inProgress ??= deploymentRef(item);
        if (item.State === 'COMPLETE') return { latestNumber, current: deploymentRef(item), inProgress, busyElsewhere };
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return { latestNumber, current: undefined, inProgress, busyElsewhere };
  }

  private async readVersion(ids: FlagIds, version: number): Promise<FlagDocument> {
    const label = `configuration version ${version} of ${ids.applicationId}/${ids.profileId}`;
    const output = await awsCall(`GetHostedConfigurationVersion ${ids.applicationId}/${ids.profileId} v${version}`, () =>
      this.client.send(new GetHostedConfigurationVersionCommand({ ApplicationId: ids.applicationId, ConfigurationProfileId: ids.profileId, VersionNumber: version })),
    );
    return parseDocument(label, output.Content ? new TextDecoder().decode(output.Content) : '');
  }

  /** The highest hosted version number. AWS documents no order for this list, so every page is read. */
  private async latestVersionNumber(ids: FlagIds): Promise<number> {
    let latest = 0;
    let nextToken: string | undefined;
    do {
      const page = await awsCall(`ListHostedConfigurationVersions ${ids.applicationId}/${ids.profileId}`, () =>
        this.client.send(
          new ListHostedConfigurationVersionsCommand({ ApplicationId: ids.applicationId, ConfigurationProfileId: ids.profileId, MaxResults: PAGE_SIZE, NextToken: nextToken }),
        ),
      );
      for (const item of page.Items ?? []) latest = Math.max(latest, item.VersionNumber ?? 0);
      nextToken = page.NextToken;
    } while (nextToken);
    return latest;
  }

  /**
   * Conditional on `latest`: a version someone creates between our read and this write fails the
   * call with ConflictException (the operation's only conflict error). Here that means the profile
   * changed under us, so it is DriftError rather than the retried DeploymentInProgressError.
   */
  private async createVersion(c: CapturedFlag, doc: FlagDocument, latest: number, description: string): Promise<number> {
    const doing = `CreateHostedConfigurationVersion ${c.ids.applicationId}/${c.ids.profileId} after v${latest}`;
    const output = await awsCall(doing, () =>
      this.client.send(
        new CreateHostedConfigurationVersionCommand({
          ApplicationId: c.ids.applicationId,
          ConfigurationProfileId: c.ids.profileId,
          Content: new TextEncoder().encode(JSON.stringify(doc)),
          ContentType: 'application/json',
          Description: description,
          LatestVersionNumber: latest,
        }),
      ),
    ).catch((error: unknown) => {
      if (!(error instanceof DeploymentInProgressError)) throw error;
      throw new DriftError(`${c.key} was changed outside this rollout: a configuration version newer than ${latest} appeared while fledge wrote its own (${error.message})`, {
        cause: error,
      });
    });
    if (output.VersionNumber === undefined) throw new Error(`${doing} returned no VersionNumber`);
    return output.VersionNumber;
  }

  /**
   * Deploys `version` with the immediate strategy and waits for it. `latestNumber` makes the start
   * conditional: a deployment someone starts after our read fails it with ConflictException, which
   * is retried, and the retry's read sees their change.
   */
  private async deploy(c: CapturedFlag, version: number, latestNumber: number | undefined, description: string): Promise<void> {
    const output = await awsCall(`StartDeployment ${c.ids.applicationId}/${c.ids.environmentId} v${version}`, () =>
      this.client.send(
        new StartDeploymentCommand({
          ApplicationId: c.ids.applicationId,
          EnvironmentId: c.ids.environmentId,
          ConfigurationProfileId: c.ids.profileId,
          ConfigurationVersion: String(version),
          DeploymentStrategyId: this.strategyId,
          Description: description,
          LatestDeploymentNumber: latestNumber,
        }),
      ),
    );
    if (output.DeploymentNumber === undefined) throw new Error(`StartDeployment ${c.ids.applicationId}/${c.ids.environmentId} returned no DeploymentNumber`);
    await this.expectComplete(c, output.DeploymentNumber, version);
  }

  private async expectComplete(c: CapturedFlag, deploymentNumber: number, version: number): Promise<void> {
    const state = await this.settled(c.ids, deploymentNumber);
    if (state !== 'COMPLETE') {
      throw new DriftError(
        `${c.key}: deployment ${deploymentNumber} of configuration version ${version} ended ${state}: someone stopped it, or an alarm monitor of environment ${c.ids.environmentId} rolled it back`,
      );
    }
  }

  /** StopDeployment makes AppConfig roll the deployment back; wait until it has. */
  private async stop(c: CapturedFlag, running: DeploymentRef): Promise<void> {
    if (running.state !== 'ROLLING_BACK') {
      await awsCall(`StopDeployment ${c.ids.applicationId}/${c.ids.environmentId} #${running.number}`, () =>
        this.client.send(new StopDeploymentCommand({ ApplicationId: c.ids.applicationId, EnvironmentId: c.ids.environmentId, DeploymentNumber: running.number })),
      );
    }
    await this.settled(c.ids, running.number);
  }

  /** Polls GetDeployment until the deployment ends. A timeout is retriable: the retry finds the deployment and waits again. */
  private async settled(ids: FlagIds, deploymentNumber: number): Promise<DeploymentState> {
    const doing = `GetDeployment ${ids.applicationId}/${ids.environmentId} #${deploymentNumber}`;
    const deadline = this.clock.now().getTime() + this.timeoutMs;
    for (;;) {
      const output = await awsCall(doing, () =>
        this.client.send(new GetDeploymentCommand({ ApplicationId: ids.applicationId, EnvironmentId: ids.environmentId, DeploymentNumber: deploymentNumber })),
      );
      if (output.State !== undefined && SETTLED.has(output.State)) return output.State;
      if (this.clock.now().getTime() >= deadline) {
        throw new TransientError(`${doing}: still ${output.State ?? 'in no state'} after ${this.timeoutMs / 1000}s; a retry waits for it again`);
      }
      await this.sleep(this.pollIntervalMs);
    }
  }
}

// ---- The FeatureFlags document ---------------------------------------------------------------

/**
 * Just the parts of AWS.AppConfig.FeatureFlags that fledge reads. Loose objects keep every other
 * field, so a rewritten document differs from its source only where fledge changed it.
 */
const attributeSchema = z.looseObject({ constraints: z.looseObject({ type: z.string().optional(), minimum: z.number().optional(), maximum: z.number().optional() }).optional() });
const flagDocumentSchema = z.looseObject({
  version: z.string(),
  flags: z.record(z.string(), z.looseObject({ attributes: z.record(z.string(), attributeSchema).optional() })),
  values: z.record(z.string(), z.looseObject({ enabled: z.boolean().optional() })).optional(),
});
type FlagDocument = z.output<typeof flagDocumentSchema>;

/** Keys of `values[flag]` that fledge writes (or AppConfig stamps), ignored when telling fledge's versions from foreign ones. */
const ROLLOUT_KEYS: ReadonlySet<string> = new Set(['enabled', ROLLOUT_ATTRIBUTE, '_updatedAt']);

function parseDocument(label: string, text: string): FlagDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PreconditionError(`${label} is not JSON: fledge rolls out flags of AWS.AppConfig.FeatureFlags profiles`, { cause: error });
  }
  const parsed = flagDocumentSchema.safeParse(json);
  if (!parsed.success) {
    throw new PreconditionError(`${label} is not AWS.AppConfig.FeatureFlags content (${z.prettifyError(parsed.error).replace(/\n/g, '; ')})`);
  }
  return parsed.data;
}

/** The flag must exist and define a 0–100 number attribute `rolloutPercentage` for fledge to ramp. */
function refuseUnusableFlag(key: string, doc: FlagDocument, flag: string, version: number): void {
  const howTo =
    `add the attribute to the flag in AppConfig: "flags": {"${flag}": {"attributes": {"${ROLLOUT_ATTRIBUTE}": {"constraints": {"type": "number", "minimum": 0, "maximum": 100}}}}}` +
    ` with "values": {"${flag}": {"enabled": false, "${ROLLOUT_ATTRIBUTE}": 0}}, deploy it, and make the application read it (README "Flags")`;
  const definition = doc.flags[flag];
  if (!definition) {
    throw new PreconditionError(`${key}: configuration version ${version} has no flag "${flag}" (flags: ${Object.keys(doc.flags).join(', ') || 'none'}); create it, then ${howTo}`);
  }
  const attribute = definition.attributes?.[ROLLOUT_ATTRIBUTE];
  if (!attribute) throw new PreconditionError(`${key}: flag "${flag}" has no "${ROLLOUT_ATTRIBUTE}" attribute in configuration version ${version}; ${howTo}`);
  const constraints = attribute.constraints;
  const fits = (constraints?.type ?? 'number') === 'number' && (constraints?.minimum ?? 0) <= 0 && (constraints?.maximum ?? 100) >= 100;
  if (!fits) {
    throw new PreconditionError(`${key}: attribute "${ROLLOUT_ATTRIBUTE}" of flag "${flag}" must be a number allowing 0 to 100, found constraints ${JSON.stringify(constraints)}; ${howTo}`);
  }
}

/** The percentage of requests that get the feature: 0 when disabled, undefined when unreadable. */
function percentageShown(doc: FlagDocument, flag: string): number | undefined {
  const value = doc.values?.[flag];
  if (value?.enabled !== true) return 0;
  const percentage = value[ROLLOUT_ATTRIBUTE];
  return typeof percentage === 'number' && percentage >= 0 && percentage <= 100 ? percentage : undefined;
}

function withRollout(doc: FlagDocument, flag: string, weight: number): FlagDocument {
  const values = doc.values ?? {};
  return { ...doc, values: { ...values, [flag]: { ...values[flag], enabled: true, [ROLLOUT_ATTRIBUTE]: weight } } };
}

/** The document with the flag's rollout keys removed: equal for two versions that differ only in the rollout. */
function withoutRollout(doc: FlagDocument, flag: string): Record<string, unknown> {
  const values = doc.values ?? {};
  const kept = Object.fromEntries(Object.entries(values[flag] ?? {}).filter(([name]) => !ROLLOUT_KEYS.has(name)));
  return { ...doc, values: { ...values, [flag]: kept } };
}

/**
 * A deployed version is fledge's if it was created after capture and differs from the captured
 * version only in the flag's rollout keys. A manual ramp done the same way is indistinguishable,
 * and is treated the same.
 */
function isFledgeVersion(c: CapturedFlag, version: number, doc: FlagDocument, capturedDoc: FlagDocument): boolean {
  if (version === c.version) return true;
  return version > c.latestVersionNumber && canonical(withoutRollout(doc, c.flag)) === canonical(withoutRollout(capturedDoc, c.flag));
}

/** JSON with sorted keys, so key order never makes two equal documents differ. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function describeFlag(doc: FlagDocument, flag: string, version: number): string {
  const shown = percentageShown(doc, flag);
  return shown === undefined ? `flag enabled with no readable ${ROLLOUT_ATTRIBUTE} on configuration version ${version}` : `flag at ${shown}% on configuration version ${version}`;
}

// ---- Small helpers ---------------------------------------------------------------------------

function idsOf(key: string, target: AppConfigFlagTarget): FlagIds {
  const ids = { applicationId: target.application, environmentId: target.environment, profileId: target.profile };
  for (const [what, value] of [['application', ids.applicationId], ['environment', ids.environmentId], ['configuration profile', ids.profileId]] as const) {
    if (!APPCONFIG_ID.test(value)) {
      throw new PreconditionError(
        `${key}: "${value}" is not an AppConfig ${what} id (4–7 lowercase letters and digits); fledge needs ids, not names: find them with aws appconfig list-applications, list-environments and list-configuration-profiles`,
      );
    }
  }
  return ids;
}

/** The captured state must belong to this target: a mix-up would move the wrong flag. */
function capturedFlag(target: AppConfigFlagTarget, captured: CapturedState): CapturedFlag {
  const key = capturedKey(target, captured);
  const { applicationId, environmentId, profileId, configurationVersion, latestVersionNumber } = captured.attributes;
  if (
    typeof applicationId !== 'string' ||
    typeof environmentId !== 'string' ||
    typeof profileId !== 'string' ||
    !Number.isInteger(configurationVersion) ||
    !Number.isInteger(latestVersionNumber)
  ) {
    throw new ValidationError(
      `captured state of ${key} lacks applicationId/environmentId/profileId/configurationVersion/latestVersionNumber: ${JSON.stringify(captured.attributes)}`,
    );
  }
  return {
    key,
    flag: target.flag,
    ids: { applicationId, environmentId, profileId },
    version: Number(configurationVersion),
    latestVersionNumber: Number(latestVersionNumber),
  };
}

function deploymentRef(item: DeploymentSummary): DeploymentRef {
  const version = Number(item.ConfigurationVersion);
  if (item.DeploymentNumber === undefined || item.State === undefined || !Number.isInteger(version)) {
    throw new PreconditionError(
      `deployment ${item.DeploymentNumber ?? '?'} deployed configuration "${item.ConfigurationVersion ?? '?'}", not a hosted configuration version number`,
    );
  }
  return { number: item.DeploymentNumber, version, state: item.State };
}

function requireCurrent(key: string, ids: FlagIds, view: DeploymentView): DeploymentRef {
  if (view.current) return view.current;
  throw new PreconditionError(
    `${key}: configuration profile ${ids.profileId} has never been deployed to environment ${ids.environmentId}: deploy a version with the flag at 0% first (or check the profile id)`,
  );
}

function inProgressError(key: string, ids: FlagIds, running: DeploymentRef): DeploymentInProgressError {
  return new DeploymentInProgressError(
    `${key}: deployment ${running.number} (configuration version ${running.version}) is ${running.state} in environment ${ids.environmentId}; AppConfig runs one deployment per environment at a time`,
  );
}

function foreignChange(c: CapturedFlag, version: number): string {
  return `${c.key} was changed outside this rollout: configuration version ${version} is deployed, which is neither the captured version ${c.version} nor a later version differing from it only in the flag's ${ROLLOUT_ATTRIBUTE}`;
}


function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`AppConfigFlagRouter: ${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}
