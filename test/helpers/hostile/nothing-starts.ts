/**
 * Stand-ins for what `fledge demo` and `fledge local up` start once their input is good (DynamoDB
 * Local, the loopback endpoint). Install them with jest.mock: a refused input never reaches them,
 * and one that slips through fails at once instead of running a rollout or serving until Ctrl+C.
 */
export function refusingLocalEnvironment(): object {
  return {
    ...jest.requireActual('../../../lib/local/local-environment'),
    withDynamoDbLocal: jest.fn(async () => {
      throw new Error('a refused input must not start DynamoDB Local');
    }),
  };
}

export function refusingLocalEndpoint(): object {
  return {
    ...jest.requireActual('../../../lib/local/endpoint/local-endpoint'),
    startLocalEndpoint: jest.fn(async () => {
      throw new Error('a refused input must not start the local endpoint');
    }),
  };
}
