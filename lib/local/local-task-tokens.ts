import type { TaskTokenSink } from '../controller/control';

interface Gate {
  resolve(output: Record<string, unknown>): void;
  reject(error: Error): void;
}

/**
 * Local stand-in for Step Functions' task tokens: each open gate is a promise that `succeed`
 * resolves and `fail` rejects with an error of the given name, exactly what a Catch matches on.
 */
export class LocalTaskTokens implements TaskTokenSink {
  private readonly gates = new Map<string, Gate>();
  private issued = 0;

  open(rolloutId: string): { token: string; answer: Promise<Record<string, unknown>> } {
    const token = `local-task-token:${rolloutId}:${++this.issued}`;
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => this.gates.set(token, { resolve, reject }));
    return { token, answer };
  }

  async succeed(taskToken: string, output: Record<string, unknown>): Promise<void> {
    this.take(taskToken).resolve(output);
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    const failure = new Error(cause);
    failure.name = error;
    this.take(taskToken).reject(failure);
  }

  /** Rejects a gate nobody answered, so a finished run leaves no pending promise behind. */
  close(taskToken: string): void {
    const gate = this.gates.get(taskToken);
    if (!gate) return;
    this.gates.delete(taskToken);
    const failure = new Error('local run ended');
    failure.name = 'States.Timeout';
    gate.reject(failure);
  }

  /** Whether a gate with this token is open: how a local endpoint tells a stale token from a live one. */
  isOpen(taskToken: string): boolean {
    return this.gates.has(taskToken);
  }

  private take(taskToken: string): Gate {
    const gate = this.gates.get(taskToken);
    if (!gate) throw new Error(`no open approval gate for task token ${taskToken}`);
    this.gates.delete(taskToken);
    return gate;
  }
}
