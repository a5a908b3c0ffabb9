/** The environment variables the controller functions read, in one place (the construct sets them). */
export const ENV = {
  tableName: 'FLEDGE_TABLE_NAME',
  deploymentStrategyId: 'FLEDGE_DEPLOYMENT_STRATEGY_ID',
  eventRetentionDays: 'FLEDGE_EVENT_RETENTION_DAYS',
  /** The hook functions the state machine may invoke, comma-separated: preflight refuses any other. */
  hookFunctions: 'FLEDGE_HOOK_FUNCTIONS',
  /** Only the notify function's: where outcome messages go. */
  topicArn: 'FLEDGE_TOPIC_ARN',
} as const;

/** Reads a required variable, or fails loudly: a misconfigured function must not limp along. */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required: the fledge controller construct sets it on every function`);
  return value;
}

export function optionalNumberEnv(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${value}"`);
  return n;
}

/** A comma-separated list; empty when the variable is unset. */
export function listEnv(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
