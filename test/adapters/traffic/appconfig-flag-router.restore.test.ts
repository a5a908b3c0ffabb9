import { AppConfigClient, CreateHostedConfigurationVersionCommand, GetDeploymentCommand, StartDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-appconfig';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DeploymentInProgressError } from '../../../lib/adapters/aws-errors';
import {
  APP,
  atPercentage,
  commandsSent,
  deployment,
  ENV,
  FLAG_KEY,
  newCapturedFlag,
  newFlagContent,
  newFlagTarget,
  newTestRouter,
  OTHER_PROFILE,
  PROFILE,
  serveAppConfig,
  STRATEGY,
  type FlagContent,
} from '../../helpers/appconfig-fixtures';

const appconfig = mockClient(AppConfigClient);
beforeEach(() => appconfig.reset());

const target = newFlagTarget();
const captured = newCapturedFlag();

/** Version 1 (captured, 0%), an unrelated draft 2, then `later` versions from 3 on; `deployments` newest first. */
function serveVersions(later: readonly FlagContent[], deployments: ReturnType<typeof deployment>[]) {
  const versions = Object.fromEntries([newFlagContent(), newFlagContent(undefined, { enabled: false }), ...later].map((content, i) => [i + 1, content]));
  return serveAppConfig(appconfig, { versions, deployments });
}

describe('AppConfigFlagRouter', () => {
  describe('restore', () => {
    it('stops the deployment in progress, then redeploys exactly the captured version', async () => {
      const world = serveVersions([atPercentage(5), atPercentage(25)], [deployment(3, 4, 'DEPLOYING'), deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);

      expect(await router.restore(target, captured)).toEqual({
        targetKey: FLAG_KEY,
        action: 'restored',
        detail: 'redeployed configuration version 1 (flag at 0%); was flag at 5% on configuration version 3',
      });
      expect(commandsSent(appconfig)).toEqual([
        'ListDeployments',
        'StopDeployment',
        'GetDeployment',
        'ListDeployments',
        'GetHostedConfigurationVersion',
        'GetHostedConfigurationVersion',
        'StartDeployment',
        'GetDeployment',
        'GetDeployment',
      ]);
      expect(appconfig).toHaveReceivedCommandWith(StopDeploymentCommand, { ApplicationId: APP, EnvironmentId: ENV, DeploymentNumber: 3 });
      expect(appconfig).toHaveReceivedCommandWith(StartDeploymentCommand, {
        ApplicationId: APP,
        EnvironmentId: ENV,
        ConfigurationProfileId: PROFILE,
        ConfigurationVersion: '1',
        DeploymentStrategyId: STRATEGY,
        LatestDeploymentNumber: 3,
        Description: 'fledge rollback: newCheckout back to configuration version 1',
      });
      expect(appconfig).toHaveReceivedCommandTimes(CreateHostedConfigurationVersionCommand, 0);
      expect(world.deployedVersion()).toBe(1);
    });

    it('counts stopping the first deployment as the whole restore', async () => {
      const world = serveVersions([atPercentage(5)], [deployment(2, 3, 'BAKING'), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      expect(await router.restore(target, captured)).toEqual({
        targetKey: FLAG_KEY,
        action: 'restored',
        detail: 'stopped deployment 2 of configuration version 3; configuration version 1 (flag at 0%) is deployed again',
      });
      expect(appconfig).toHaveReceivedCommandWith(StopDeploymentCommand, { DeploymentNumber: 2 });
      expect(appconfig).toHaveReceivedCommandTimes(StartDeploymentCommand, 0);
      expect(world.deployedVersion()).toBe(1);
    });

    it('waits for a deployment already rolling back instead of stopping it', async () => {
      serveVersions([atPercentage(5)], [deployment(2, 3, 'ROLLING_BACK'), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      expect((await router.restore(target, captured)).action).toBe('restored');
      expect(appconfig).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
      expect(appconfig).toHaveReceivedCommandWith(GetDeploymentCommand, { DeploymentNumber: 2 });
    });

    it('does nothing when the captured version is deployed', async () => {
      serveVersions([], [deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      expect(await router.restore(target, captured)).toEqual({
        targetKey: FLAG_KEY,
        action: 'already-stable',
        detail: 'configuration version 1 (flag at 0%) is already deployed',
      });
      expect(commandsSent(appconfig)).toEqual(['ListDeployments']);
    });

    it('is safe to call twice', async () => {
      serveVersions([atPercentage(5)], [deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      expect((await router.restore(target, captured)).action).toBe('restored');
      expect((await router.restore(target, captured)).action).toBe('already-stable');
      expect(appconfig).toHaveReceivedCommandTimes(StartDeploymentCommand, 1);
    });

    it("recognises its own version when AppConfig stamped the flag's _updatedAt", async () => {
      serveVersions([newFlagContent({ enabled: true, rolloutPercentage: 5, _updatedAt: '2025-03-01T12:00:00Z' })], [deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      expect((await router.restore(target, captured)).action).toBe('restored');
    });

    it('leaves a version with foreign changes deployed, saying what it found', async () => {
      serveVersions([newFlagContent({ enabled: true, rolloutPercentage: 5 }, { enabled: false })], [deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      const result = await router.restore(target, captured);
      expect(result).toEqual({ targetKey: FLAG_KEY, action: 'skipped-drifted', detail: expect.stringMatching(/^not restored to configuration version 1: /) });
      expect(result.detail).toContain(`${FLAG_KEY} was changed outside this rollout: configuration version 3 is deployed`);
      expect(appconfig).toHaveReceivedCommandTimes(StartDeploymentCommand, 0);
      expect(appconfig).toHaveReceivedCommandTimes(CreateHostedConfigurationVersionCommand, 0);
    });

    it('leaves a version fledge did not write, even one showing 0%', async () => {
      serveAppConfig(appconfig, { versions: { 1: newFlagContent(), 2: newFlagContent() }, deployments: [deployment(2, 2), deployment(1, 1)] });
      const { router } = newTestRouter(appconfig);
      expect((await router.restore(target, captured)).action).toBe('skipped-drifted');
      expect(appconfig).toHaveReceivedCommandTimes(StartDeploymentCommand, 0);
    });

    it("never stops another profile's deployment, and retries while it holds the environment", async () => {
      serveVersions([atPercentage(5)], [deployment(3, 9, 'DEPLOYING', OTHER_PROFILE), deployment(2, 3), deployment(1, 1)]);
      const { router } = newTestRouter(appconfig);
      await expect(router.restore(target, captured)).rejects.toThrow(DeploymentInProgressError);
      expect(appconfig).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
    });
  });
});
