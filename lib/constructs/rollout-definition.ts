import { Duration, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { Decision } from '../domain/cursor';
import { HANDLER_DIED_ERRORS, ROLLED_BACK_STATE, STATE, TRANSIENT_ERRORS, type HandlerName } from './state-names';
import { APPROVAL_TIMEOUT_SECONDS } from '../domain/plan';

/**
 * THE rollout state machine. Built once, here; the AWS stack deploys it and local mode resolves the
 * very same definition to ASL and runs it on aws-local-stepfunctions. JSONPath only: the local
 * interpreter ignores JSONata.
 */

export { HANDLER_DIED_ERRORS, HANDLER_NAMES, HOOK_INVOKE_STATES, ROLLED_BACK_STATE, STATE, TASK_HANDLERS, TRANSIENT_ERRORS, type HandlerName } from './state-names';

export type RolloutFunctions = Readonly<Record<HandlerName, IFunction>>;

/** Lambda tasks must finish well inside this; locally an unset timeout would default to 60 s. */
const TASK_TIMEOUT = Duration.minutes(5);

/**
 * What Lambda answers a hook invocation with when the fault is its own, not the hook's: throttling
 * and service errors, worth trying again (Step Functions reports them as `Lambda.<exception>`).
 * Lambda.Unknown is not among them: for a hook it means the function crashed or ran out of time.
 */
export const HOOK_RETRIED_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
];

export interface RolloutDefinitionProps {
  readonly functions: RolloutFunctions;
}

/** Builds the state graph and returns its start state. Call once per state machine. */
export function buildRolloutDefinition(scope: Construct, props: RolloutDefinitionProps): sfn.IChainable {
  const fns = props.functions;

  /**
   * A Lambda task. By default it retries what clears by itself (throttling, conflicts) and a handler
   * that died. With `retryAll`, any error is retried on that schedule instead: for the tasks whose
   * failure must not lead anywhere else soon (restoring traffic, and the records written after it).
   */
  const invoke = (id: string, fn: IFunction, options: { payload?: sfn.TaskInput; retryAll?: sfn.RetryProps } = {}) => {
    const task = new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      payload: options.payload ?? sfn.TaskInput.fromJsonPathAt('$'),
      outputPath: '$.Payload',
      retryOnServiceExceptions: true,
      taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
    });
    // Step Functions applies only the first retrier whose errors match, so the catch-all stands alone.
    if (options.retryAll) {
      task.addRetry({ ...options.retryAll, errors: ['States.ALL'] });
    } else {
      task.addRetry({ errors: TRANSIENT_ERRORS, interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2 });
      task.addRetry({ errors: HANDLER_DIED_ERRORS, interval: Duration.seconds(2), maxAttempts: 2, backoffRate: 2 });
    }
    return task;
  };
  /** About twenty minutes of tries: a ledger outage delays a record instead of losing it. */
  const recordRetries: sfn.RetryProps = { interval: Duration.seconds(5), maxAttempts: 8, backoffRate: 2 };

  // Refused requests end here without rollback: preflight moves no traffic before it succeeds.
  // The error replaces the whole payload (the input may not even be an object). ResultPath is left
  // out, which means "$" in ASL; the local interpreter refuses an explicit "$" on non-object input.
  const preflightRejected = new sfn.Fail(scope, STATE.preflightRejected, { errorPath: '$.Error', causePath: '$.Cause' });
  const rollbackFailed = new sfn.Fail(scope, STATE.rollbackFailed, {
    errorPath: '$.rollbackFailed.Error',
    causePath: '$.rollbackFailed.Cause',
  });

  // Traffic first: Rollback restores from the cursor alone, without the ledger. Restores are
  // idempotent, so any failure is worth trying again for about ten minutes before a human is needed.
  const rollback = invoke(STATE.rollback, fns.rollback, {
    retryAll: { interval: Duration.seconds(2), maxAttempts: 14, backoffRate: 2, maxDelay: Duration.seconds(60) },
  });
  // Bookkeeping second, whether the restore worked or not.
  const recordRollback = invoke(STATE.recordRollback, fns.recordRollback, { retryAll: recordRetries });
  // The Fail states name themselves as the execution's error (the CLI and the notification tell them apart by it); the cause keeps the task's.
  recordRollback.addCatch(new sfn.Fail(scope, STATE.rolledBackUnrecorded, { error: STATE.rolledBackUnrecorded, causePath: '$.error.Cause' }), { errors: ['States.ALL'], resultPath: '$.error' });
  rollback.addCatch(recordRollback, { errors: ['States.ALL'], resultPath: '$.rollbackError' });
  rollback.next(recordRollback);
  const rollbackOutcome = new sfn.Choice(scope, STATE.rollbackOutcome);
  rollbackOutcome.when(sfn.Condition.isPresent('$.rollbackFailed'), rollbackFailed);
  for (const [reason, stateName] of Object.entries(ROLLED_BACK_STATE)) {
    const fail = new sfn.Fail(scope, stateName, { error: stateName, causePath: '$.detail' });
    rollbackOutcome.when(sfn.Condition.stringEquals('$.reason', reason), fail);
  }
  rollbackOutcome.otherwise(new sfn.Fail(scope, STATE.rolledBack, { error: STATE.rolledBack, causePath: '$.detail' }));
  recordRollback.next(rollbackOutcome);

  /** Every task after preflight: any error restores all targets. */
  const toRollback = (task: tasks.LambdaInvoke) => task.addCatch(rollback, { errors: ['States.ALL'], resultPath: '$.error' });

  const preflight = invoke(STATE.preflight, fns.preflight, {
    payload: sfn.TaskInput.fromObject({
      request: sfn.JsonPath.entirePayload,
      executionId: sfn.JsonPath.executionId,
      executionStartedAt: sfn.JsonPath.executionStartTime,
    }),
  });
  preflight.addCatch(preflightRejected, { errors: ['States.ALL'] });

  // Before any weight moves: a version that fails its own test events never meets a user.
  const smokeTest = toRollback(invoke(STATE.smokeTest, fns.smokeTest));
  const shift = toRollback(invoke(STATE.shift, fns.shift));
  const wait = new sfn.Wait(scope, STATE.wait, { time: sfn.WaitTime.secondsPath('$.waitSeconds') });
  const evaluate = toRollback(invoke(STATE.evaluate, fns.evaluate));
  const promote = toRollback(invoke(STATE.promote, fns.promote));
  // Finalize only writes the record: the judged release keeps its traffic even if the ledger never takes it.
  const finalize = invoke(STATE.finalize, fns.finalize, { retryAll: recordRetries });
  finalize.addCatch(new sfn.Fail(scope, STATE.promotedUnrecorded, { error: STATE.promotedUnrecorded, causePath: '$.error.Cause' }), { errors: ['States.ALL'], resultPath: '$.error' });

  // The handler records the token in the ledger; `fledge approve` or `reject` completes the task.
  const awaitApproval = new tasks.LambdaInvoke(scope, STATE.awaitApproval, {
    lambdaFunction: fns.requestApproval,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({ cursor: sfn.JsonPath.entirePayload, taskToken: sfn.JsonPath.taskToken }),
    resultPath: '$.approval',
    taskTimeout: sfn.Timeout.duration(Duration.seconds(APPROVAL_TIMEOUT_SECONDS)),
  });
  awaitApproval.addCatch(rollback, { errors: ['States.ALL'], resultPath: '$.error' });
  // An emergency promotion answers the gate with `next: "promote"`, skipping the remaining steps.
  const afterApproval = new sfn.Choice(scope, STATE.afterApproval)
    .when(
      sfn.Condition.or(
        sfn.Condition.stringEquals('$.afterApproval', 'promote'),
        sfn.Condition.and(sfn.Condition.isPresent('$.approval.next'), sfn.Condition.stringEquals('$.approval.next', 'promote')),
      ),
      promote,
    )
    .otherwise(shift);

  const unknownDecision = new sfn.Pass(scope, STATE.unknownDecision, {
    parameters: { Error: 'UnknownDecision', 'Cause.$': "States.Format('unknown decision {}', $.decision)" },
    resultPath: '$.error',
  }).next(rollback);

  const decide = new sfn.Choice(scope, STATE.decide);

  /**
   * One lifecycle hook: a task of fledge's prepares the call, Step Functions invokes the user's
   * function itself (so a hook may run its full 15 minutes, and costs no Lambda time of fledge's
   * while it does), and another task judges the answer, or the error the invocation ended in, and
   * records it. Returns the chain's entry, which skips it all when the request names no such hook.
   */
  const hookChain = (event: 'preTraffic' | 'postTraffic', names: HookStateNames, next: sfn.IChainable, onlyIf?: sfn.Condition) => {
    const prepare = toRollback(
      invoke(names.prepare, fns.prepareHook, { payload: sfn.TaskInput.fromObject({ lifecycleEvent: event, cursor: sfn.JsonPath.entirePayload }) }),
    );
    const call = new sfn.CustomState(scope, names.invoke, {
      stateJson: {
        Type: 'Task',
        Comment: `Invokes the request's ${event} hook function and waits for its answer`,
        Resource: `arn:${Stack.of(scope).partition}:states:::lambda:invoke`,
        Parameters: { 'FunctionName.$': '$.FunctionName', 'Payload.$': '$.Payload' },
        // Resolves against the state's input (AWS) and against the Parameters (the local interpreter) alike: see HookCall.
        TimeoutSecondsPath: '$.Payload.timeoutSeconds',
        ResultSelector: { 'response.$': '$.Payload' },
        ResultPath: '$.hookResult',
      },
    });
    // A hook may run twice when Lambda throttles it: hooks must be safe to repeat, as smoke events are.
    call.addRetry({ errors: HOOK_RETRIED_ERRORS, interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 });
    const check = toRollback(invoke(names.check, fns.checkHook));
    // Every way the call can end, answered or not, is judged and recorded by the check.
    call.addCatch(check, { errors: ['States.ALL'], resultPath: '$.hookResult' });
    prepare.next(call);
    call.next(check);
    const named = sfn.Condition.isPresent(`$.hooks.${event}`);
    const configured = onlyIf ? sfn.Condition.and(named, onlyIf) : named;
    return { entry: new sfn.Choice(scope, names.has).when(configured, prepare).otherwise(next), check };
  };

  // Before any weight moves, once the smoke test passed: the request's own check of the new versions.
  const preTraffic = hookChain(
    'preTraffic',
    { has: STATE.hasPreTrafficHook, prepare: STATE.preparePreTrafficHook, invoke: STATE.preTrafficHook, check: STATE.checkPreTrafficHook },
    decide,
    sfn.Condition.stringEquals('$.decision', 'advance'),
  );
  preTraffic.check.next(decide);
  // After the release holds all the traffic and passed its judgment, before the outcome is written.
  const postTraffic = hookChain(
    'postTraffic',
    { has: STATE.hasPostTrafficHook, prepare: STATE.preparePostTrafficHook, invoke: STATE.postTrafficHook, check: STATE.checkPostTrafficHook },
    finalize,
  );
  postTraffic.check.next(
    new sfn.Choice(scope, STATE.afterPostTrafficHook).when(sfn.Condition.stringEquals('$.decision', 'rollback'), rollback).otherwise(finalize),
  );

  const routes: Record<Decision, sfn.IChainable> = {
    wait,
    advance: shift,
    'await-approval': awaitApproval,
    promote,
    finalize: postTraffic.entry,
    rollback,
  };
  for (const [decision, next] of Object.entries(routes)) {
    decide.when(sfn.Condition.stringEquals('$.decision', decision), next);
  }
  decide.otherwise(unknownDecision);

  preflight.next(smokeTest);
  smokeTest.next(preTraffic.entry);
  shift.next(decide);
  wait.next(evaluate);
  evaluate.next(decide);
  awaitApproval.next(afterApproval);
  promote.next(decide);
  finalize.next(new sfn.Succeed(scope, STATE.promoted));

  return preflight;
}

interface HookStateNames {
  readonly has: string;
  readonly prepare: string;
  readonly invoke: string;
  readonly check: string;
}
