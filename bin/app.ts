import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { controllerContext } from '../lib/constructs/app-context';
import { ControllerStack } from '../lib/constructs/controller-stack';

const app = new App();
const context = controllerContext(app);
new ControllerStack(app, context.stackName, {
  functions: context.functions,
  hookFunctions: context.hookFunctions,
  appConfig: context.appConfig,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
// cdk-nag's AwsSolutions checks run on every synth; findings are fixed or acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
