import {
  ConflictException,
  CreateHostedConfigurationVersionCommand,
  GetDeploymentCommand,
  GetHostedConfigurationVersionCommand,
  ListDeploymentsCommand,
  ListHostedConfigurationVersionsCommand,
  ResourceNotFoundException,
  StartDeploymentCommand,
  StopDeploymentCommand,
  type AppConfigClientResolvedConfig,
  type CreateHostedConfigurationVersionCommandInput,
  type DeploymentState,
  type DeploymentSummary,
  type GetDeploymentCommandInput,
  type GetHostedConfigurationVersionCommandInput,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type StartDeploymentCommandInput,
  type StopDeploymentCommandInput,
} from '@aws-sdk/client-appconfig';
import type { AwsStub } from 'aws-sdk-client-mock';
import { AppConfigFlagRouter } from '../../lib/adapters/traffic/appconfig-flag-router';
import type { CapturedState } from '../../lib/adapters/traffic/traffic-router';
import { appConfigFlagTargetSchema, type AppConfigFlagTarget } from '../../lib/domain/targets';
import { TestClock } from './clock';

/** What `mockClient(AppConfigClient)` returns. */
export type AppConfigMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, AppConfigClientResolvedConfig>;

export const APP = 'app1234';
export const ENV = 'env5678';
export const PROFILE = 'prof901';
export const OTHER_PROFILE = 'othr234';
export const STRATEGY = 'imm0001';
export const FLAG = 'newCheckout';
export const FLAG_KEY = `appconfig:${APP}/${ENV}/${PROFILE}#${FLAG}`;
export const POLL_MS = 1_000;
export const TIMEOUT_MS = 10_000;

type Scalar = string | number | boolean;
export type FlagValue = Readonly<Record<string, Scalar>>;
export interface FlagContent {
  readonly version: string;
  readonly flags: Readonly<Record<string, { readonly name: string; readonly attributes?: Readonly<Record<string, { readonly constraints?: Readonly<Record<string, Scalar>> }>> }>>;
  readonly values: Readonly<Record<string, FlagValue>>;
}

/** The flag `newCheckout` with a 0–100 `rolloutPercentage`, off; next to an unrelated flag `darkMode`. */
export function newFlagContent(value: FlagValue = { enabled: false, rolloutPercentage: 0 }, others: FlagValue = { enabled: true }): FlagContent {
  return {
    version: '1',
    flags: {
      [FLAG]: { name: 'New checkout', attributes: { rolloutPercentage: { constraints: { type: 'number', minimum: 0, maximum: 100 } } } },
      darkMode: { name: 'Dark mode' },
    },
    values: { [FLAG]: value, darkMode: others },
  };
}

/** What fledge writes for `percentage` on top of newFlagContent(). */
export function atPercentage(percentage: number): FlagContent {
  return newFlagContent({ enabled: true, rolloutPercentage: percentage });
}

export function newFlagTarget(overrides: Partial<Pick<AppConfigFlagTarget, 'application' | 'environment' | 'profile' | 'flag'>> = {}): AppConfigFlagTarget {
  return appConfigFlagTargetSchema.parse({ kind: 'appconfig-flag', application: APP, environment: ENV, profile: PROFILE, flag: FLAG, ...overrides });
}

/** What capture returns when version 1 is deployed at 0% and version 2 is the newest hosted one. */
export function newCapturedFlag(attributes: CapturedState['attributes'] = {}): CapturedState {
  return {
    targetKey: FLAG_KEY,
    kind: 'appconfig-flag',
    stableVersion: 'off',
    newVersion: 'on',
    attributes: { configurationVersion: 1, applicationId: APP, environmentId: ENV, profileId: PROFILE, latestVersionNumber: 2, percentage: 0, ...attributes },
  };
}

export function deployment(number: number, version: number, state: DeploymentState = 'COMPLETE', profileId = PROFILE): DeploymentSummary {
  return { DeploymentNumber: number, ConfigurationProfileId: profileId, ConfigurationVersion: String(version), State: state };
}

export function bytesOf(content: FlagContent | string): Uint8Array {
  return new TextEncoder().encode(typeof content === 'string' ? content : JSON.stringify(content));
}

/** The bytes the router sent as a hosted version's Content (it sends a Uint8Array). */
function sentBytes(content: unknown): Uint8Array {
  if (content instanceof Uint8Array) return content;
  throw new Error(`expected Content as a Uint8Array, got ${typeof content}`);
}

/** The decoded JSON of every CreateHostedConfigurationVersion call, in order. */
export function createdContents(appconfig: AppConfigMock): unknown[] {
  return appconfig.commandCalls(CreateHostedConfigurationVersionCommand).map((call) => {
    return JSON.parse(new TextDecoder().decode(sentBytes(call.args[0].input.Content)));
  });
}

/** The SDK commands sent, in order, e.g. ['ListDeployments', 'GetHostedConfigurationVersion']. */
export function commandsSent(appconfig: AppConfigMock): string[] {
  return appconfig.calls().map((call) => call.args[0].constructor.name.replace(/Command$/, ''));
}

export interface WorldSetup {
  /** Hosted versions of PROFILE by number. */
  readonly versions: Readonly<Record<number, FlagContent | string>>;
  /** Deployments of the environment, newest first. */
  readonly deployments: readonly DeploymentSummary[];
  /** GetDeployment calls a started deployment answers DEPLOYING before it is COMPLETE. */
  readonly pollsBeforeComplete?: number;
  /** Sees every call and its answer: where a fault matrix injects AWS's failures. @default - answers as is */
  readonly around?: Around;
}

/** Runs `answer` for one call of `command`, or fails instead, or fails after it. */
export type Around = <T>(command: string, input: unknown, answer: () => T) => T;

export interface AppConfigWorld {
  readonly deployments: DeploymentSummary[];
  /** Makes the next call of `command` (e.g. 'StartDeployment') fail with `error`, then behave again. */
  failNext(command: string, error: Error): void;
  /** The latest COMPLETE deployment's version of PROFILE: what functions read. */
  deployedVersion(): number | undefined;
  /** The decoded JSON of a hosted version of PROFILE. */
  content(version: number): unknown;
  versionNumbers(): number[];
}

/**
 * One application, environment and profile that behave like AppConfig's: hosted versions with the
 * LatestVersionNumber lock, one deployment per environment at a time (ConflictException), started
 * deployments that complete after a few polls, and StopDeployment rolling one back.
 */
export function serveAppConfig(appconfig: AppConfigMock, setup: WorldSetup): AppConfigWorld {
  const versions = new Map<number, Uint8Array>(Object.entries(setup.versions).map(([n, content]) => [Number(n), bytesOf(content)]));
  const deployments = setup.deployments.map((d) => ({ ...d }));
  const polls = new Map<number, number>();
  const pollsBeforeComplete = setup.pollsBeforeComplete ?? 1;
  const failures = new Map<string, Error>();
  const failIfAsked = (command: string) => {
    const error = failures.get(command);
    failures.delete(command);
    if (error) throw error;
  };
  const around: Around = setup.around ?? ((_command, _input, answer) => answer());
  const latest = () => Math.max(0, ...versions.keys());
  const find = (number: number | undefined) => {
    const found = deployments.find((d) => d.DeploymentNumber === number);
    if (!found) throw new ResourceNotFoundException({ message: `no deployment ${number}`, $metadata: {} });
    return found;
  };

  appconfig.on(ListDeploymentsCommand).callsFake((input: unknown) => around('ListDeployments', input, () => ({ Items: deployments.map((d) => ({ ...d })) })));
  appconfig.on(ListHostedConfigurationVersionsCommand).callsFake((input: unknown) => around('ListHostedConfigurationVersions', input, () => ({ Items: [...versions.keys()].map((VersionNumber) => ({ VersionNumber })) })));
  appconfig.on(GetHostedConfigurationVersionCommand).callsFake((input: GetHostedConfigurationVersionCommandInput) => around('GetHostedConfigurationVersion', input, () => {
    const content = versions.get(input.VersionNumber ?? -1);
    if (!content) throw new ResourceNotFoundException({ message: `no version ${input.VersionNumber}`, $metadata: {} });
    return { VersionNumber: input.VersionNumber, Content: content, ContentType: 'application/json' };
  }));
  appconfig.on(CreateHostedConfigurationVersionCommand).callsFake((input: CreateHostedConfigurationVersionCommandInput) => around('CreateHostedConfigurationVersion', input, () => {
    failIfAsked('CreateHostedConfigurationVersion');
    if (input.LatestVersionNumber !== undefined && input.LatestVersionNumber !== latest()) {
      throw new ConflictException({ message: 'Latest version number does not match', $metadata: {} });
    }
    const number = latest() + 1;
    versions.set(number, sentBytes(input.Content));
    return { VersionNumber: number };
  }));
  appconfig.on(StartDeploymentCommand).callsFake((input: StartDeploymentCommandInput) => around('StartDeployment', input, () => {
    failIfAsked('StartDeployment');
    if (deployments.some((d) => d.State === 'DEPLOYING' || d.State === 'BAKING' || d.State === 'ROLLING_BACK')) {
      throw new ConflictException({ message: 'A deployment is already in progress', $metadata: {} });
    }
    const number = Math.max(0, ...deployments.map((d) => d.DeploymentNumber ?? 0)) + 1;
    deployments.unshift(deployment(number, Number(input.ConfigurationVersion), 'DEPLOYING', input.ConfigurationProfileId));
    return { DeploymentNumber: number, State: 'DEPLOYING' };
  }));
  appconfig.on(GetDeploymentCommand).callsFake((input: GetDeploymentCommandInput) => around('GetDeployment', input, () => {
    const found = find(input.DeploymentNumber);
    const seen = (polls.get(input.DeploymentNumber ?? -1) ?? 0) + 1;
    polls.set(input.DeploymentNumber ?? -1, seen);
    if (found.State === 'ROLLING_BACK') found.State = 'ROLLED_BACK';
    else if (found.State === 'DEPLOYING' && seen > pollsBeforeComplete) found.State = 'COMPLETE';
    return { ...found };
  }));
  appconfig.on(StopDeploymentCommand).callsFake((input: StopDeploymentCommandInput) => around('StopDeployment', input, () => {
    const found = find(input.DeploymentNumber);
    found.State = 'ROLLING_BACK';
    return { ...found };
  }));

  return {
    deployments,
    failNext: (command, error) => failures.set(command, error),
    deployedVersion: () => {
      const current = deployments.find((d) => d.ConfigurationProfileId === PROFILE && d.State === 'COMPLETE');
      return current ? Number(current.ConfigurationVersion) : undefined;
    },
    versionNumbers: () => [...versions.keys()].sort((a, b) => a - b),
    content: (version) => JSON.parse(new TextDecoder().decode(versions.get(version) ?? bytesOf('null'))) as unknown,
  };
}

/** A router on a test clock whose sleep advances the clock, recording each wait. */
export function newTestRouter(appconfig: AppConfigMock): { router: AppConfigFlagRouter; clock: TestClock; sleeps: number[] } {
  const clock = new TestClock();
  const sleeps: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
    clock.advanceSeconds(ms / 1000);
  };
  const router = new AppConfigFlagRouter({ client: appconfig, deploymentStrategyId: STRATEGY, clock, sleep, pollIntervalMs: POLL_MS, deploymentTimeoutMs: TIMEOUT_MS });
  return { router, clock, sleeps };
}
