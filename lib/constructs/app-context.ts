import { DEFAULT_STACK_NAME } from './stack-outputs';
import type { App } from 'aws-cdk-lib';
import type { AppConfigScope } from './controller-permissions';

export interface ControllerContext {
  readonly functions: string[];
  readonly hookFunctions: string[];
  readonly appConfig: AppConfigScope[];
  readonly stackName: string;
}

/**
 * Reads the stack's configuration from cdk context:
 * `cdk deploy -c functions=orders-api,payments-api -c appconfig=abc1234/def5678,ghi9012 -c hooks=orders-smoke`
 * (AppConfig as `application-id[/environment-id]`, comma-separated; `hooks`: the lifecycle hook functions).
 */
export function controllerContext(app: App): ControllerContext {
  const appConfig = list(app, 'appconfig').map((entry): AppConfigScope => {
    const [application, environment, extra] = entry.split('/');
    if (!application || extra !== undefined) throw new Error(`-c appconfig: "${entry}" should be application-id or application-id/environment-id`);
    return environment ? { application, environment } : { application };
  });
  const functions = list(app, 'functions');
  if (functions.length === 0 && appConfig.length === 0) {
    throw new Error('fledge needs targets to deploy for: cdk deploy -c functions=my-fn[,other-fn] and/or -c appconfig=app-id[/env-id]');
  }
  return { functions, hookFunctions: list(app, 'hooks'), appConfig, stackName: String(app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME) };
}

function list(app: App, key: string): string[] {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return [];
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
}
