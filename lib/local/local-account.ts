/** The account and region local mode's ARNs name: nothing is ever called there. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

/** The ARN local mode gives each handler; every task is overridden in-process, so nothing is called. */
export function localFunctionArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:fledge-${name}`;
}
