import { z } from 'zod';
import { dimensionNameSchema, dimensionsSchema } from './metric-dimensions';
import { printableString } from './validation';

/** A published Lambda version number. `$LATEST` and aliases are refused: alias routing needs published versions. */
const PUBLISHED_VERSION = /^[1-9][0-9]*$/;

// Patterns as source text, so that the target key pattern below is built from the same rules.
const FUNCTION_NAME = '[a-zA-Z0-9-_]{1,64}';
const ALIAS = '(?![0-9]+$)[a-zA-Z0-9-_]{1,128}';
/** `.` and `..` would be path segments in AppConfig's REST paths (`/applications/../…`), so neither is an id. */
const APPCONFIG_ID = '(?!\\.\\.?(?:[/#]|$))[a-zA-Z0-9-_.]{1,64}';
const FLAG_KEY = '[a-z][a-zA-Z0-9_-]{0,63}';

const whole = (source: string) => new RegExp(`^(?:${source})$`);
export const LAMBDA_NAME_OR_ARN = whole(`(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\\d{12}:function:)?${FUNCTION_NAME}`);

export const lambdaAliasTargetSchema = z.strictObject({
  kind: z.literal('lambda-alias'),
  functionName: z.string().regex(LAMBDA_NAME_OR_ARN, 'must be a Lambda function name or function ARN without a qualifier'),
  alias: z.string().regex(whole(ALIAS), 'must be an alias name (letters, digits, - and _; not a version number)'),
  newVersion: z.string().regex(PUBLISHED_VERSION, 'must be a published version number such as "42" ($LATEST cannot carry alias weights)'),
});

const METRIC_NAME = /^[^:]{1,255}$/;

/**
 * Where an application publishes its per-variant figures for a flag (see the README's "Flags").
 * Each metric carries the dimensions `Flag=<flag>` and `<variantDimension>=on|off`, plus `dimensions`.
 */
export const flagMetricsSchema = z.strictObject({
  namespace: printableString().regex(METRIC_NAME, 'must be a CloudWatch namespace').default('Fledge/Flags'),
  /** Count of requests that evaluated the flag (statistic Sum). */
  requests: printableString().regex(METRIC_NAME).default('Requests'),
  /** Count of those requests that failed (statistic Sum). */
  errors: printableString().regex(METRIC_NAME).default('Errors'),
  /** Latency of those requests in milliseconds; omit (null) if the application does not publish it. */
  latency: printableString().regex(METRIC_NAME).nullable().default('Latency'),
  /** The dimension whose value is `on` (new variant) or `off` (stable variant). */
  variantDimension: dimensionNameSchema.default('Variant'),
  /** Extra dimensions every metric carries, e.g. `{ "Service": "checkout" }`; fledge adds `Flag` and the variant. */
  dimensions: dimensionsSchema(2).default({}),
});

export const appConfigFlagTargetSchema = z.strictObject({
  kind: z.literal('appconfig-flag'),
  application: z.string().regex(whole(APPCONFIG_ID), 'must be an AppConfig application id or name'),
  environment: z.string().regex(whole(APPCONFIG_ID), 'must be an AppConfig environment id or name'),
  profile: z.string().regex(whole(APPCONFIG_ID), 'must be an AppConfig configuration profile id or name'),
  flag: z.string().regex(whole(FLAG_KEY), 'must be an AppConfig feature flag key (starts with a lowercase letter; letters, digits, _ and -)'),
  metrics: flagMetricsSchema.prefault({}),
});

export type FlagMetrics = z.output<typeof flagMetricsSchema>;

export const targetSchema = z.discriminatedUnion('kind', [lambdaAliasTargetSchema, appConfigFlagTargetSchema]);

export type LambdaAliasTarget = z.infer<typeof lambdaAliasTargetSchema>;
export type AppConfigFlagTarget = z.infer<typeof appConfigFlagTargetSchema>;
export type Target = z.infer<typeof targetSchema>;
export type TargetKind = Target['kind'];

/**
 * A flag's two variants, as its traffic router and its metrics name them: `off` is the stable
 * behaviour (the baseline cohort), `on` the new one (the canary).
 */
export const FLAG_STABLE_VARIANT = 'off';
export const FLAG_NEW_VARIANT = 'on';

/** Stable identity of a target: what the lock and the by-target history are keyed on. */
export function targetKey(target: Target): string {
  switch (target.kind) {
    case 'lambda-alias':
      return `lambda:${functionNameOf(target.functionName)}:${target.alias}`;
    case 'appconfig-flag':
      return `appconfig:${target.application}/${target.environment}/${target.profile}#${target.flag}`;
  }
}

/** What `targetKey` returns, for input that names a target by its key (`fledge history`, a traffic model). */
export const TARGET_KEY = whole(`lambda:${FUNCTION_NAME}:${ALIAS}|appconfig:${APPCONFIG_ID}/${APPCONFIG_ID}/${APPCONFIG_ID}#${FLAG_KEY}`);
export const TARGET_KEY_FORM = 'lambda:<function>:<alias> or appconfig:<application>/<environment>/<profile>#<flag>';

/** The bare function name, whether the user gave a name or an ARN. */
export function functionNameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6] : nameOrArn;
}
