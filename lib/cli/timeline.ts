import type { LedgerEvent } from '../adapters/ledger';
import type { JudgedPhase, TargetPlan } from '../domain/judge';
import { renderPlanText } from '../domain/judge/plan-summary';
import type { SignalResult, SignalStatus, Verdict } from '../domain/verdict';
import { HOOK_LABEL } from '../controller/hook-call';
import type { LifecycleEvent } from '../domain/lifecycle-hooks';

/** One line per ledger event, as a rollout unfolds. Reads only what the ledger recorded. */
export class TimelinePrinter {
  private steps: { name: string; weight: number; minBakeSeconds: number; maxBakeSeconds: number }[] = [];
  private startedAt: number | undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly color: boolean,
    /** Say how to answer a gate: for a person following a rollout, not for the demo, which answers itself. */
    private readonly gateHints = false,
  ) {}

  onEvent(event: LedgerEvent): void {
    const at = Date.parse(event.at);
    this.startedAt ??= at;
    const line = this.format(event);
    if (line) this.write(`${this.dim(clockLabel(at - this.startedAt))}  ${line}`);
  }

  private format({ type, data, rolloutId }: LedgerEvent): string | undefined {
    const d = data as Record<string, unknown>;
    switch (type) {
      case 'preflight': {
        this.steps = (d.steps as typeof this.steps) ?? [];
        const captured = (d.captured as { targetKey: string; stableVersion: string; newVersion: string }[]) ?? [];
        const targets = captured.map((c) => `${c.targetKey} ${c.stableVersion} → ${c.newVersion}`).join(', ');
        const head = `${this.bold('preflight ok')}  ${targets}; strategy ${String(d.strategy)} (${this.steps.length} steps), mode ${String(d.mode)}`;
        const plan = Array.isArray(d.requirements) && Array.isArray(d.judgedPhases) ? renderPlanText(d.requirements as TargetPlan[], d.judgedPhases as JudgedPhase[]) : [];
        const notes = ((d.notes as string[] | undefined) ?? []).map((n) => (n.startsWith('warning') ? this.yellow(n) : n));
        return [head, ...[...plan, ...notes].map((l) => `        ${this.dim(l)}`)].join('\n');
      }
      case 'smoke-test':
        return this.smokeTest(d);
      case 'hook-started':
        return `${hookLabel(d)} ${String(d.functionName)} invoked, at ${String(d.weight)}% of traffic (timeout ${String(d.timeoutSeconds)} s)`;
      case 'hook-finished': {
        const line = `${hookLabel(d)} ${String(d.functionName)} ${String(d.reason)} ${this.dim(`(${String(d.durationSeconds)} s)`)}`;
        return d.outcome === 'passed' ? this.green(line) : this.red(line);
      }
      case 'shift-applied':
        return this.bold(`── step ${Number(d.stepIndex) + 1}/${this.steps.length} ${String(d.step)}: ${String(d.weight)}% of traffic on the new version`);
      case 'evaluation':
        return this.evaluation(d);
      case 'approval-requested':
        return this.yellow(`⏸ waiting for approval: ${String(d.reason)}`) + (this.gateHints ? `\n        answer it: fledge approve ${rolloutId}  or  fledge reject ${rolloutId} --reason …` : '');
      case 'approval':
        return `${d.approved ? '✓ approved' : '✗ rejected'} by ${String(d.by)}: ${String(d.reason)}`;
      case 'lock-taken-over':
        return this.yellow(`took over the lock on ${String(d.targetKey)} from rollout ${String(d.from)}, which let it expire at ${String(d.expiredAt)}`);
      case 'control':
        return this.yellow(`${String(d.action)} requested by ${String(d.by)}: ${String(d.reason)}`);
      case 'promoted':
        return this.bold(`promoted: 100% of traffic on the new version`);
      case 'rollback-started':
        return this.red(`rolling back (${String(d.reason)}): ${String(d.detail)}`);
      case 'target-restored':
        return `  restored ${String(d.targetKey)}: ${String(d.action)} (${String(d.detail)})`;
      case 'rolled-back':
        return this.red(this.bold('rolled back: every target restored to its captured state'));
      case 'finalized':
        return this.green(this.bold('finalized: rollout promoted'));
      case 'error':
        return this.red(`error during ${String(d.during)}: ${String(d.message)}`);
      default:
        return undefined;
    }
  }

  /** The smoke test's line, and one indented line per failing event with its evidence. */
  private smokeTest(d: Record<string, unknown>): string {
    const failures = (d.failures as { eventIndex: number; reason: string; durationMs: number }[] | undefined) ?? [];
    const head = `smoke test: ${String(d.passed)}/${String(d.events)} events passed on the new version, before any traffic`;
    if (failures.length === 0) return this.green(head);
    return [this.red(head), ...failures.map((f) => `        ${this.red(`event ${f.eventIndex}: ${f.reason}`)} ${this.dim(`(${Math.round(f.durationMs)} ms)`)}`)].join('\n');
  }

  private evaluation(d: Record<string, unknown>): string {
    const verdict = d.verdict as Verdict;
    const step = d.phase === 'final-bake' ? { name: 'Final bake', minBakeSeconds: 0, maxBakeSeconds: 0 } : this.steps[Number(d.stepIndex)];
    const elapsed = Number(d.elapsedSeconds);
    const bar = step && step.maxBakeSeconds > 0 ? `${bakeBar(elapsed, step.minBakeSeconds, step.maxBakeSeconds)} ${minutes(elapsed)}/${minutes(step.maxBakeSeconds)}` : minutes(elapsed);
    const signals = verdict.signals.map((s) => signalBadge(s)).join(' ');
    const word = this.verdictWord(verdict.value);
    return `   ${pad(`${step?.name ?? '?'} ${String(d.weight)}%`, 18)} ${bar}  ${word}  ${signals}  ${this.dim(verdict.reason)}`;
  }

  private verdictWord(value: Verdict['value']): string {
    const word = pad(value, 12);
    if (value === 'pass') return this.green(word);
    if (value === 'fail' || value === 'error') return this.red(word);
    if (value === 'inconclusive') return this.yellow(word);
    return word;
  }

  private paint(code: number, text: string): string {
    return this.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
  private bold = (t: string) => this.paint(1, t);
  private dim = (t: string) => this.paint(2, t);
  private red = (t: string) => this.paint(31, t);
  private green = (t: string) => this.paint(32, t);
  private yellow = (t: string) => this.paint(33, t);
}

function hookLabel(d: Record<string, unknown>): string {
  return HOOK_LABEL[d.lifecycleEvent as LifecycleEvent] ?? 'hook';
}

const STATUS_MARK: Record<SignalStatus, string> = { pass: '✓', continue: '…', fail: '✗', warn: '!', 'no-data': '?', skipped: '-' };

function signalBadge(s: SignalResult): string {
  return `${s.signal}${STATUS_MARK[s.status]}`;
}

/** `[██████░░░│░░░░]`: time baked, with a tick where the minimum bake ends. */
export function bakeBar(elapsed: number, minBake: number, maxBake: number, width = 16): string {
  const filled = Math.min(width, Math.round((elapsed / maxBake) * width));
  const tick = Math.min(width - 1, Math.round((minBake / maxBake) * width));
  const cells = Array.from({ length: width }, (_, i) => (i < filled ? '█' : i === tick ? '│' : '░'));
  return `[${cells.join('')}]`;
}

function minutes(seconds: number): string {
  return `${Math.round(seconds / 60)}m`;
}

/** Virtual time since the rollout started, `+HH:MM`. */
function clockLabel(ms: number): string {
  const total = Math.max(0, Math.round(ms / 60_000));
  return `+${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}
