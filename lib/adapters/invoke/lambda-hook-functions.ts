import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { HookFunctions } from '../../controller/dependencies';
import { PreconditionError } from '../../domain/errors';
import { hookFunctionName } from '../../domain/lifecycle-hooks';
import { quoted } from '../../domain/text';
import { awsCall } from '../aws-errors';

/** Only `send` is used, so tests can inject `mockClient(LambdaClient)`; IAM needs lambda:GetFunctionConfiguration alone. */
export type LambdaConfigurationClient = Pick<LambdaClient, 'send'>;

export interface LambdaHookFunctionsProps {
  readonly client: LambdaConfigurationClient;
  /**
   * The hook functions this controller was deployed with: its state machine may invoke these and
   * no others (names or ARNs, unqualified).
   * @default - not known here (`fledge check`): only whether the function exists is checked
   */
  readonly configured?: readonly string[];
}

/**
 * Preflight's check of a hook in AWS, before anything moves: the function must be one the stack
 * granted its state machine, or the invocation would be refused mid-rollout; and it must exist
 * (GetFunctionConfiguration), or Lambda's ResourceNotFoundException would only surface as a failed
 * hook. Both refuse the request instead.
 */
export class LambdaHookFunctions implements HookFunctions {
  private readonly client: LambdaConfigurationClient;
  private readonly configured?: ReadonlySet<string>;

  constructor(props: LambdaHookFunctionsProps) {
    this.client = props.client;
    this.configured = props.configured && new Set(props.configured.map(hookFunctionName));
  }

  async check(functionName: string): Promise<void> {
    const name = hookFunctionName(functionName);
    if (this.configured && !this.configured.has(name)) {
      const known = this.configured.size > 0 ? `its hook functions are ${[...this.configured].join(', ')}` : 'it was deployed with no hook functions';
      throw new PreconditionError(
        `${quoted(functionName)} is not a hook function of this controller (${known}); redeploy with -c hooks=${name} (or the hookFunctions prop) so its state machine may invoke it`,
      );
    }
    const config = await awsCall(`GetFunctionConfiguration ${functionName}`, () => this.client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })));
    // A function whose last create or update failed cannot run; Pending and Inactive ones start when invoked.
    if (config.State === 'Failed') {
      throw new PreconditionError(`${quoted(functionName)} cannot run: its state is Failed (${config.StateReason ?? 'no reason given'})`);
    }
  }
}
