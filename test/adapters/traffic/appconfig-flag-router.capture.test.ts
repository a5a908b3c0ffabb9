import {
  AppConfigClient,
  GetHostedConfigurationVersionCommand,
  ListDeploymentsCommand,
  ListHostedConfigurationVersionsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-appconfig';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AccessDeniedError, DeploymentInProgressError } from '../../../lib/adapters/aws-errors';
import { AppConfigFlagRouter } from '../../../lib/adapters/traffic/appconfig-flag-router';
import { PreconditionError, TransientError } from '../../../lib/domain/errors';
import {
  APP,
  bytesOf,
  deployment,
  ENV,
  FLAG,
  FLAG_KEY,
  newCapturedFlag,
  newFlagContent,
  newFlagTarget,
  newTestRouter,
  OTHER_PROFILE,
  PROFILE,
  serveAppConfig,
  type FlagContent,
} from '../../helpers/appconfig-fixtures';
import { awsError } from '../../helpers/aws-fixtures';

const appconfig = mockClient(AppConfigClient);
beforeEach(() => appconfig.reset());

/** Version 1 deployed with `content`; version 2 a newer, undeployed draft. */
function serveDeployed(content: FlagContent | string) {
  return serveAppConfig(appconfig, { versions: { 1: content, 2: newFlagContent() }, deployments: [deployment(1, 1)] });
}

describe('AppConfigFlagRouter', () => {
  describe('capture', () => {
    it('captures the deployed configuration version, the ids and the newest hosted version number', async () => {
      serveDeployed(newFlagContent());
      const { router } = newTestRouter(appconfig);
      expect(await router.capture(newFlagTarget())).toEqual(newCapturedFlag());
      expect(appconfig).toHaveReceivedCommandWith(ListDeploymentsCommand, { ApplicationId: APP, EnvironmentId: ENV });
      expect(appconfig).toHaveReceivedCommandWith(GetHostedConfigurationVersionCommand, { ApplicationId: APP, ConfigurationProfileId: PROFILE, VersionNumber: 1 });
      expect(appconfig).toHaveReceivedCommandWith(ListHostedConfigurationVersionsCommand, { ApplicationId: APP, ConfigurationProfileId: PROFILE });
    });

    it("reads the newest COMPLETE deployment of this profile, past rolled-back ones and other profiles'", async () => {
      serveAppConfig(appconfig, {
        versions: { 1: newFlagContent({ enabled: true, rolloutPercentage: 40 }), 2: newFlagContent(), 3: newFlagContent({ enabled: true, rolloutPercentage: 60 }) },
        deployments: [deployment(4, 3, 'ROLLED_BACK'), deployment(3, 7, 'COMPLETE', OTHER_PROFILE), deployment(2, 2), deployment(1, 1)],
      });
      const { router } = newTestRouter(appconfig);
      const captured = await router.capture(newFlagTarget());
      expect(captured.attributes).toMatchObject({ configurationVersion: 2, latestVersionNumber: 3 });
      expect(appconfig).toHaveReceivedCommandTimes(GetHostedConfigurationVersionCommand, 1);
    });

    it('follows ListDeployments and ListHostedConfigurationVersions pages', async () => {
      appconfig
        .on(ListDeploymentsCommand)
        .resolvesOnce({ Items: [deployment(9, 4, 'COMPLETE', OTHER_PROFILE)], NextToken: 'page-2' })
        .resolves({ Items: [deployment(8, 5)] });
      appconfig.on(GetHostedConfigurationVersionCommand).callsFake(() => ({ Content: bytesOf(newFlagContent()) }));
      appconfig
        .on(ListHostedConfigurationVersionsCommand)
        .resolvesOnce({ Items: [{ VersionNumber: 12 }, { VersionNumber: 11 }], NextToken: 'more' })
        .resolves({ Items: [{ VersionNumber: 5 }] });
      const { router } = newTestRouter(appconfig);
      const captured = await router.capture(newFlagTarget());
      expect(captured.attributes).toMatchObject({ configurationVersion: 5, latestVersionNumber: 12 });
      expect(appconfig).toHaveReceivedNthSpecificCommandWith(2, ListDeploymentsCommand, { NextToken: 'page-2' });
      expect(appconfig).toHaveReceivedNthSpecificCommandWith(2, ListHostedConfigurationVersionsCommand, { NextToken: 'more' });
    });

    it('treats a disabled flag as 0%, whatever its rolloutPercentage says', async () => {
      serveDeployed(newFlagContent({ enabled: false, rolloutPercentage: 40 }));
      const { router } = newTestRouter(appconfig);
      expect((await router.capture(newFlagTarget())).attributes.percentage).toBe(0);
    });

    it('refuses a profile that was never deployed to the environment', async () => {
      serveAppConfig(appconfig, { versions: { 1: newFlagContent() }, deployments: [deployment(1, 1, 'COMPLETE', OTHER_PROFILE)] });
      const { router } = newTestRouter(appconfig);
      const capture = router.capture(newFlagTarget());
      await expect(capture).rejects.toThrow(PreconditionError);
      await expect(capture).rejects.toThrow(`${FLAG_KEY}: configuration profile ${PROFILE} has never been deployed to environment ${ENV}: deploy a version with the flag at 0% first`);
    });

    it('refuses while a deployment of the profile is in progress, as a retriable error', async () => {
      serveAppConfig(appconfig, { versions: { 1: newFlagContent(), 2: newFlagContent() }, deployments: [deployment(2, 2, 'BAKING'), deployment(1, 1)] });
      const { router } = newTestRouter(appconfig);
      const capture = router.capture(newFlagTarget());
      await expect(capture).rejects.toThrow(DeploymentInProgressError);
      await expect(capture).rejects.toThrow(/deployment 2 \(configuration version 2\) is BAKING in environment env5678/);
    });

    it('refuses a profile without the flag, saying how to add it', async () => {
      const content = newFlagContent();
      serveDeployed({ ...content, flags: { darkMode: content.flags.darkMode }, values: { darkMode: content.values.darkMode } });
      const { router } = newTestRouter(appconfig);
      const capture = router.capture(newFlagTarget());
      await expect(capture).rejects.toThrow(PreconditionError);
      await expect(capture).rejects.toThrow(/has no flag "newCheckout" \(flags: darkMode\); create it, then add the attribute .*"rolloutPercentage": \{"constraints": \{"type": "number"/);
    });

    it('refuses a flag without a rolloutPercentage attribute, saying how to add it', async () => {
      const content = newFlagContent();
      serveDeployed({ ...content, flags: { ...content.flags, [FLAG]: { name: 'New checkout' } } });
      const { router } = newTestRouter(appconfig);
      await expect(router.capture(newFlagTarget())).rejects.toThrow(
        /flag "newCheckout" has no "rolloutPercentage" attribute in configuration version 1; add the attribute .*"values": \{"newCheckout": \{"enabled": false, "rolloutPercentage": 0\}\}/,
      );
    });

    it('refuses a rolloutPercentage attribute that cannot hold 0 to 100', async () => {
      const content = newFlagContent();
      const narrow = { name: 'New checkout', attributes: { rolloutPercentage: { constraints: { type: 'number', minimum: 0, maximum: 50 } } } };
      serveDeployed({ ...content, flags: { ...content.flags, [FLAG]: narrow } });
      const { router } = newTestRouter(appconfig);
      await expect(router.capture(newFlagTarget())).rejects.toThrow(/must be a number allowing 0 to 100, found constraints \{"type":"number","minimum":0,"maximum":50\}/);
    });

    it('refuses a flag already rolled out to some users', async () => {
      serveDeployed(newFlagContent({ enabled: true, rolloutPercentage: 30 }));
      const { router } = newTestRouter(appconfig);
      const capture = router.capture(newFlagTarget());
      await expect(capture).rejects.toThrow(PreconditionError);
      await expect(capture).rejects.toThrow(`${FLAG_KEY} is already enabled for 30% (flag at 30% on configuration version 1): roll it back to 0% before starting`);
    });

    it('refuses an enabled flag with no readable percentage', async () => {
      serveDeployed(newFlagContent({ enabled: true }));
      const { router } = newTestRouter(appconfig);
      await expect(router.capture(newFlagTarget())).rejects.toThrow(/already enabled for an unreadable% \(flag enabled with no readable rolloutPercentage/);
    });

    it('refuses content that is not FeatureFlags JSON', async () => {
      serveDeployed('{"maxItems": 10}');
      const { router } = newTestRouter(appconfig);
      await expect(router.capture(newFlagTarget())).rejects.toThrow(/configuration version 1 of app1234\/prof901 is not AWS.AppConfig.FeatureFlags content/);
    });

    it('refuses names where ids are needed, before calling AWS', async () => {
      const { router } = newTestRouter(appconfig);
      await expect(router.capture(newFlagTarget({ application: 'Checkout-Service' }))).rejects.toThrow(
        /"Checkout-Service" is not an AppConfig application id .* fledge needs ids, not names/,
      );
      expect(appconfig.calls()).toHaveLength(0);
    });

    it('turns an unknown application or environment into a PreconditionError that names the ids', async () => {
      appconfig.on(ListDeploymentsCommand).rejects(new ResourceNotFoundException({ message: 'Environment not found', $metadata: {} }));
      const { router } = newTestRouter(appconfig);
      const capture = router.capture(newFlagTarget());
      await expect(capture).rejects.toThrow(PreconditionError);
      await expect(capture).rejects.toThrow(`ListDeployments ${APP}/${ENV}: ResourceNotFoundException: Environment not found (${FLAG_KEY}: check the application and environment ids)`);
    });

    it.each([
      ['ThrottlingException', TransientError],
      ['AccessDeniedException', AccessDeniedError],
    ])('classifies %s', async (name, expected) => {
      appconfig.on(ListDeploymentsCommand).rejects(awsError(name));
      const { router } = newTestRouter(appconfig);
      await expect(router.capture(newFlagTarget())).rejects.toThrow(expected);
    });
  });

  describe('constructor', () => {
    it('fails loudly on a missing strategy or a bad polling setting', () => {
      expect(() => new AppConfigFlagRouter({ client: appconfig, deploymentStrategyId: '' })).toThrow(/deploymentStrategyId is required/);
      expect(() => new AppConfigFlagRouter({ client: appconfig, deploymentStrategyId: 'imm0001', pollIntervalMs: 0 })).toThrow(/pollIntervalMs must be a positive number/);
    });
  });
});
