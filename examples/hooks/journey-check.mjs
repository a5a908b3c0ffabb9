/**
 * A post-traffic hook: once the new version serves all the traffic, and before fledge records the
 * rollout as promoted, place a test order through each Lambda target's alias, exactly as a user's
 * request would arrive, and check the answer. A function error, a timeout or { status: "Failed" }
 * rolls every target back to the version it had before the rollout.
 *
 * As a pre-traffic hook it calls each new version directly instead: no user traffic reaches it yet.
 * Hooks may run twice (fledge retries one that Lambda throttles), so the order is a test order that
 * is safe to place again.
 *
 * Deploy it as its own function with lambda:InvokeFunction on the targets, name it in the request's
 * "hooks", and give its name to the controller stack (cdk deploy -c hooks=orders-journey-check).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

const lambda = new LambdaClient({});

/** Invokes one function at one qualifier and returns its parsed answer, or throws its error. */
async function invokeWithSdk(functionName, qualifier, payload) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Qualifier: qualifier, Payload: JSON.stringify(payload) }));
  const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
  if (out.FunctionError) throw new Error(`${functionName}:${qualifier} failed: ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

/** The hook, given how to invoke a function: the SDK in Lambda, a stand-in in tests. */
export function makeHandler(invoke) {
  return async (event) => {
    const failures = [];
    const aliases = event.targets.filter((t) => t.kind === 'lambda-alias');
    for (const target of aliases) {
      const qualifier = event.lifecycleEvent === 'preTraffic' ? target.newVersion : target.alias;
      const order = { path: '/orders', method: 'POST', body: { sku: 'fledge-journey-check', quantity: 1, test: true }, headers: { 'x-fledge-rollout': event.rolloutId } };
      try {
        const answer = await invoke(target.functionName, qualifier, order);
        if (answer?.statusCode !== 200) failures.push(`${target.targetKey}: test order answered ${answer?.statusCode ?? 'nothing'}`);
      } catch (error) {
        failures.push(`${target.targetKey}: ${error.message}`);
      }
    }
    if (failures.length > 0) return { status: 'Failed', reason: failures.join('; ') };
    return { status: 'Succeeded', reason: `test order accepted by ${aliases.map((t) => `${t.functionName}:${event.lifecycleEvent === 'preTraffic' ? t.newVersion : t.alias}`).join(', ')}` };
  };
}

export const handler = makeHandler(invokeWithSdk);
