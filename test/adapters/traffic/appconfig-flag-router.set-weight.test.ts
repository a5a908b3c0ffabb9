import {
  AppConfigClient,
  ConflictException,
  CreateHostedConfigurationVersionCommand,
  GetDeploymentCommand,
  GetHostedConfigurationVersionCommand,
  StartDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AccessDeniedError, DeploymentInProgressError } from '../../../lib/adapters/aws-errors';
import { DriftError, TransientError, ValidationError } from '../../../lib/domain/errors';
import {
  APP,
  atPercentage,
  commandsSent,
  createdContents,
  deployment,
  ENV,
  FLAG_KEY,
  newCapturedFlag,
  newFlagContent,
  newFlagTarget,
  newTestRouter,
  OTHER_PROFILE,
  POLL_MS,
  PROFILE,
  serveAppConfig,
  STRATEGY,
  type FlagContent,
} from '../../helpers/appconfig-fixtures';
import { awsError } from '../../helpers/aws-fixtures';

const appconfig = mockClient(AppConfigClient);
beforeEach(() => appconfig.reset());

const target = newFlagTarget();
const captured = newCapturedFlag();
/** An undeployed draft someone saved after capture's baseline: it differs in another flag. */
const draft = newFlagContent(undefined, { enabled: false });

/** Version 1 (captured, 0%) and the draft 2, plus `later` versions from 3 on; `deployments` newest first. */
function serveVersions(later: readonly (FlagContent | string)[], deployments = [deployment(1, 1)], pollsBeforeComplete?: number) {
  const versions = Object.fromEntries([newFlagContent(), draft, ...later].map((content, i) => [i + 1, content]));
  return serveAppConfig(appconfig, { versions, deployments, pollsBeforeComplete });
}

describe('AppConfigFlagRouter', () => {
  describe('setWeight', () => {
    it('writes the captured content with the flag at the new percentage and deploys it with the immediate strategy', async () => {
      const world = serveVersions([]);
      const { router, sleeps } = newTestRouter(appconfig);
      await router.setWeight(target, captured, 5, 0);

      expect(commandsSent(appconfig)).toEqual([
        'ListDeployments',
        'GetHostedConfigurationVersion',
        'ListHostedConfigurationVersions',
        'CreateHostedConfigurationVersion',
        'StartDeployment',
        'GetDeployment',
        'GetDeployment',
      ]);
      expect(appconfig).toHaveReceivedCommandWith(CreateHostedConfigurationVersionCommand, {
        ApplicationId: APP,
        ConfigurationProfileId: PROFILE,
        LatestVersionNumber: 2,
        ContentType: 'application/json',
        Description: 'fledge: newCheckout at 5%',
      });
      expect(createdContents(appconfig)).toEqual([atPercentage(5)]);
      expect(appconfig).toHaveReceivedCommandWith(StartDeploymentCommand, {
        ApplicationId: APP,
        EnvironmentId: ENV,
        ConfigurationProfileId: PROFILE,
        ConfigurationVersion: '3',
        DeploymentStrategyId: STRATEGY,
        LatestDeploymentNumber: 1,
      });
      expect(appconfig).toHaveReceivedNthSpecificCommandWith(2, GetDeploymentCommand, { ApplicationId: APP, EnvironmentId: ENV, DeploymentNumber: 2 });
      expect(sleeps).toEqual([POLL_MS]);
      expect(world.deployedVersion()).toBe(3);
    });

    it('moves on from the percentage fledge set last, keeping every other flag as captured', async () => {
      const world = serveVersions([atPercentage(5)], [deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      await router.setWeight(target, captured, 25, 5);
      expect(createdContents(appconfig)).toEqual([atPercentage(25)]);
      expect(appconfig).toHaveReceivedCommandWith(CreateHostedConfigurationVersionCommand, { LatestVersionNumber: 3 });
      expect(appconfig).toHaveReceivedCommandWith(StartDeploymentCommand, { ConfigurationVersion: '4', LatestDeploymentNumber: 2 });
      expect(world.deployedVersion()).toBe(4);
    });

    it('leaves a flag that already shows the weight alone (a retried shift)', async () => {
      serveVersions([atPercentage(5)], [deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      await router.setWeight(target, captured, 5, 0);
      expect(commandsSent(appconfig)).toEqual(['ListDeployments', 'GetHostedConfigurationVersion', 'GetHostedConfigurationVersion']);
    });

    it('waits for its own deployment still in progress instead of starting another', async () => {
      const world = serveVersions([atPercentage(5)], [deployment(2, 3, 'DEPLOYING'), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      await router.setWeight(target, captured, 5, 0);
      expect(appconfig).toHaveReceivedCommandTimes(CreateHostedConfigurationVersionCommand, 0);
      expect(appconfig).toHaveReceivedCommandTimes(StartDeploymentCommand, 0);
      expect(appconfig).toHaveReceivedCommandWith(GetDeploymentCommand, { DeploymentNumber: 2 });
      expect(world.deployedVersion()).toBe(3);
    });

    it('retries a deployment that hit a conflict with the version it already created', async () => {
      const world = serveVersions([]);
      world.failNext('StartDeployment', new ConflictException({ message: 'A deployment is in progress', $metadata: {} }));
      const { router } = newTestRouter(appconfig);

      await expect(router.setWeight(target, captured, 5, 0)).rejects.toThrow(DeploymentInProgressError);
      await router.setWeight(target, captured, 5, 0);

      expect(world.versionNumbers()).toEqual([1, 2, 3]);
      expect(appconfig).toHaveReceivedCommandTimes(CreateHostedConfigurationVersionCommand, 1);
      expect(appconfig).toHaveReceivedNthSpecificCommandWith(2, StartDeploymentCommand, { ConfigurationVersion: '3' });
      expect(world.deployedVersion()).toBe(3);
    });

    it('refuses to write when the deployed flag shows another percentage than fledge set last', async () => {
      serveVersions([atPercentage(5), atPercentage(50)], [deployment(3, 4), deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      const shift = router.setWeight(target, captured, 25, 5);
      await expect(shift).rejects.toThrow(DriftError);
      await expect(shift).rejects.toThrow(`${FLAG_KEY} was changed outside this rollout: expected the flag at 5% (set last by fledge), found flag at 50% on configuration version 4`);
      expect(appconfig).toHaveReceivedCommandTimes(CreateHostedConfigurationVersionCommand, 0);
      expect(appconfig).toHaveReceivedCommandTimes(StartDeploymentCommand, 0);
    });

    it('refuses to write when the deployed version changed more than the flag', async () => {
      serveVersions([newFlagContent({ enabled: true, rolloutPercentage: 5 }, { enabled: false })], [deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      const shift = router.setWeight(target, captured, 25, 5);
      await expect(shift).rejects.toThrow(DriftError);
      await expect(shift).rejects.toThrow(/configuration version 3 is deployed, which is neither the captured version 1 nor a later version differing from it only in the flag's rolloutPercentage/);
      expect(appconfig).toHaveReceivedCommandTimes(CreateHostedConfigurationVersionCommand, 0);
    });

    it('turns a version created by someone else between read and write (LatestVersionNumber conflict) into DriftError', async () => {
      serveVersions([]);
      appconfig.on(CreateHostedConfigurationVersionCommand).rejects(new ConflictException({ message: 'Latest version number does not match', $metadata: {} }));
      const { router } = newTestRouter(appconfig);
      const shift = router.setWeight(target, captured, 5, 0);
      await expect(shift).rejects.toThrow(DriftError);
      await expect(shift).rejects.toThrow(/a configuration version newer than 2 appeared while fledge wrote its own/);
      expect(appconfig).toHaveReceivedCommandTimes(StartDeploymentCommand, 0);
    });

    it("waits, as a retriable error, while another profile's deployment holds the environment", async () => {
      serveVersions([], [deployment(2, 7, 'DEPLOYING', OTHER_PROFILE), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      await expect(router.setWeight(target, captured, 5, 0)).rejects.toThrow(DeploymentInProgressError);
      expect(appconfig).toHaveReceivedCommandTimes(CreateHostedConfigurationVersionCommand, 0);
    });

    it("does not wait for someone else's deployment of the profile", async () => {
      serveVersions([], [deployment(2, 2, 'DEPLOYING'), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      await expect(router.setWeight(target, captured, 5, 0)).rejects.toThrow(/deployment 2 \(configuration version 2\) is DEPLOYING/);
      expect(appconfig).toHaveReceivedCommandTimes(GetDeploymentCommand, 0);
    });

    it('gives up waiting after the deployment timeout with a retriable TransientError', async () => {
      serveVersions([], [deployment(1, 1)], Number.POSITIVE_INFINITY);
      const { router, clock, sleeps } = newTestRouter(appconfig);
      const start = clock.now().getTime();
      const shift = router.setWeight(target, captured, 5, 0);
      await expect(shift).rejects.toThrow(TransientError);
      await expect(shift).rejects.toThrow(`GetDeployment ${APP}/${ENV} #2: still DEPLOYING after 10s; a retry waits for it again`);
      expect(sleeps).toHaveLength(10);
      expect(clock.now().getTime() - start).toBe(10_000);
    });

    it('reports a deployment that AppConfig rolled back as DriftError', async () => {
      serveVersions([]);
      appconfig.on(GetDeploymentCommand).resolves({ DeploymentNumber: 2, State: 'ROLLED_BACK' });
      const { router } = newTestRouter(appconfig);
      await expect(router.setWeight(target, captured, 5, 0)).rejects.toThrow(
        new DriftError(`${FLAG_KEY}: deployment 2 of configuration version 3 ended ROLLED_BACK: someone stopped it, or an alarm monitor of environment ${ENV} rolled it back`),
      );
    });

    it.each([
      ['ThrottlingException from GetHostedConfigurationVersion', () => appconfig.on(GetHostedConfigurationVersionCommand).rejects(awsError('ThrottlingException')), TransientError],
      ['AccessDeniedException from CreateHostedConfigurationVersion', () => appconfig.on(CreateHostedConfigurationVersionCommand).rejects(awsError('AccessDeniedException')), AccessDeniedError],
      ['AccessDeniedException from StartDeployment', () => appconfig.on(StartDeploymentCommand).rejects(awsError('AccessDeniedException')), AccessDeniedError],
    ])('classifies %s', async (_case, failing, expected) => {
      serveVersions([]);
      failing();
      const { router } = newTestRouter(appconfig);
      await expect(router.setWeight(target, captured, 5, 0)).rejects.toThrow(expected);
    });

    it('refuses a weight outside 0–100 and a captured state of another target', async () => {
      const { router } = newTestRouter(appconfig);
      await expect(router.setWeight(target, captured, 120, 0)).rejects.toThrow(new ValidationError('weight must be between 0 and 100 percent, got 120'));
      await expect(router.setWeight(newFlagTarget({ flag: 'darkMode' }), captured, 5, 0)).rejects.toThrow(ValidationError);
      expect(appconfig.calls()).toHaveLength(0);
    });
  });

  describe('promote', () => {
    it('keeps the flag on for 100% of users', async () => {
      const world = serveVersions([atPercentage(5), atPercentage(25)], [deployment(3, 4), deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      await router.promote(target, captured, 25);
      expect(createdContents(appconfig)).toEqual([atPercentage(100)]);
      expect(appconfig).toHaveReceivedCommandWith(CreateHostedConfigurationVersionCommand, { Description: 'fledge: newCheckout at 100%' });
      expect(world.deployedVersion()).toBe(5);
    });
  });
});
