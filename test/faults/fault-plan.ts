import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Service, ServiceAround } from './aws-fleet';

/** Where a call is made: the task state running, the service and its operation. */
export interface CallSite {
  readonly state: string;
  readonly service: Service;
  readonly command: string;
}

/** The failures AWS really produces, as the SDK surfaces them. */
export type FaultKind =
  | 'throttling'
  | 'server-error'
  | 'access-denied'
  | 'timeout'
  | 'connection-reset'
  | 'resource-conflict'
  | 'precondition-failed'
  | 'appconfig-conflict'
  | 'conditional-check-failed'
  | 'unreachable'
  /** The call's side effect lands, then the handler's process dies before it answers. */
  | 'died-after-call';

/** Once at the first call of the site, once at its Nth, or at every call (a persistent fault). */
export type FaultTiming = 'first' | 'nth' | 'every';

export interface Fault {
  readonly site: CallSite;
  readonly kind: FaultKind;
  readonly timing: FaultTiming;
  /** The call that fails, counted from 1 over the whole run, for `nth`. */
  readonly nth?: number;
}

const WRITES: Readonly<Record<Service, ReadonlySet<string>>> = {
  lambda: new Set(['UpdateAlias']),
  appconfig: new Set(['CreateHostedConfigurationVersion', 'StartDeployment', 'StopDeployment']),
  cloudwatch: new Set(),
  dynamodb: new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem', 'Put', 'Update', 'Delete', 'TransactWrite', 'BatchWrite']),
};

/** The faults that can meet a call at this site. */
export function faultKindsAt(site: CallSite): FaultKind[] {
  const common: FaultKind[] = ['throttling', 'server-error', 'access-denied', 'timeout', 'connection-reset'];
  const write = WRITES[site.service].has(site.command);
  const kinds: FaultKind[] = [...common];
  if (site.service === 'lambda' && site.command === 'UpdateAlias') kinds.push('resource-conflict', 'precondition-failed');
  if (site.service === 'appconfig' && (site.command === 'CreateHostedConfigurationVersion' || site.command === 'StartDeployment')) kinds.push('appconfig-conflict');
  if (site.service === 'dynamodb') {
    kinds.push('unreachable');
    if (write) kinds.push('conditional-check-failed');
  }
  if (write) kinds.push('died-after-call');
  return kinds;
}

/** The name Lambda gives a handler that died mid-call, which Step Functions sees as the task's error. */
export const DIED = 'Lambda.Unknown';

/** The error the SDK would throw for `kind` from `service`. */
export function faultError(kind: FaultKind, service: Service): Error {
  const named = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${message} (injected)`), { name, $metadata: {}, ...extra });
  switch (kind) {
    case 'throttling':
      return service === 'lambda'
        ? named('TooManyRequestsException', 'Rate exceeded')
        : service === 'dynamodb'
          ? named('ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded')
          : named('ThrottlingException', 'Rate exceeded');
    case 'server-error':
      return service === 'lambda'
        ? named('ServiceException', 'The AWS Lambda service encountered an internal error')
        : service === 'dynamodb'
          ? named('InternalServerError', 'Internal server error')
          : service === 'cloudwatch'
            ? named('InternalServiceFault', 'Internal service fault')
            : named('InternalServerException', 'Internal server error');
    case 'access-denied':
      return named(service === 'cloudwatch' ? 'AccessDenied' : 'AccessDeniedException', 'User is not authorized to perform this action');
    case 'timeout':
      return named('TimeoutError', 'Connection timed out after 5000 ms');
    case 'connection-reset':
      return named('Error', 'socket hang up', { code: 'ECONNRESET' });
    case 'unreachable':
      return named('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' });
    case 'resource-conflict':
      return named('ResourceConflictException', 'The operation cannot be performed at this time: an update is in progress');
    case 'precondition-failed':
      return named('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id');
    case 'appconfig-conflict':
      return named('ConflictException', 'The request could not be processed because of a conflict');
    case 'conditional-check-failed':
      return new ConditionalCheckFailedException({ message: 'The conditional request failed (injected)', $metadata: {} });
    case 'died-after-call':
      return named(DIED, 'the handler process exited mid-invocation');
  }
}

/** Counts the calls of every site, and fails the one the fault names. */
export class FaultInjector {
  readonly calls = new Map<string, number>();
  injected = 0;
  /** Set once a handler's process died: it makes no more calls until the state machine retries it. */
  private dead = false;

  constructor(
    private readonly fault: Fault | undefined,
    private readonly currentState: () => string,
  ) {}

  /** A retry runs in a new process. */
  retried(): void {
    this.dead = false;
  }

  readonly around: ServiceAround = async (service, command, _input, answer) => {
    if (this.dead) throw faultError('died-after-call', service);
    const site: CallSite = { state: this.currentState(), service, command };
    const id = siteId(site);
    const n = (this.calls.get(id) ?? 0) + 1;
    this.calls.set(id, n);
    const hit = this.fault !== undefined && siteId(this.fault.site) === id && hits(this.fault, n);
    if (!hit) return answer();
    this.injected++;
    if (this.fault?.kind !== 'died-after-call') throw faultError(this.fault!.kind, service);
    await answer();
    this.dead = true;
    throw faultError('died-after-call', service);
  };
}

function hits(fault: Fault, n: number): boolean {
  if (fault.timing === 'every') return true;
  if (fault.timing === 'first') return n === 1;
  return n === fault.nth;
}

export function siteId(site: CallSite): string {
  return `${site.state} ${site.service}:${site.command}`;
}

export function faultLabel(fault: Fault): string {
  const when = fault.timing === 'nth' ? `call ${fault.nth}` : fault.timing === 'first' ? 'first call' : 'every call';
  return `${fault.kind} at ${siteId(fault.site)} (${when})`;
}

/**
 * At a middle call, one fault for each way the controller handles one: retried (throttling; a 5xx,
 * a timeout and a reset take the same path), not retried (access denied), and a process that died
 * after its call landed. At the first call and at every call, every kind.
 */
const MIDDLE_CALL_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(['throttling', 'access-denied', 'conditional-check-failed', 'died-after-call']);

/**
 * Every fault at every site the fault-free run reached: each applicable kind once at the first
 * call and at every call, and once at a middle call (see MIDDLE_CALL_KINDS) when the site is
 * called three times or more.
 */
export function faultMatrix(callCounts: ReadonlyMap<string, number>, sites: readonly CallSite[]): Fault[] {
  const faults: Fault[] = [];
  for (const site of sites) {
    const count = callCounts.get(siteId(site)) ?? 0;
    for (const kind of faultKindsAt(site)) {
      faults.push({ site, kind, timing: 'first' });
      if (count >= 3 && MIDDLE_CALL_KINDS.has(kind)) faults.push({ site, kind, timing: 'nth', nth: Math.ceil(count / 2) });
      faults.push({ site, kind, timing: 'every' });
    }
  }
  return faults;
}
