import { COUNT_SIGNALS, describeRegression, formatRatio, percent, type CountSignal, type JudgedPhase, type TargetPlan } from './requirements';

/**
 * The plan as people read it, one line per judged phase and signal: what the phase rules out,
 * what it catches, how long a healthy release takes there, and what a regression it just catches
 * costs. `fledge plan`, the demo's timeline and the HTML report all render these lines.
 */
export interface PlanLine {
  readonly targetKey: string;
  readonly phase: string;
  readonly weight: number;
  readonly bake: string;
  readonly healthyMinutes: number;
  readonly signals: readonly SignalLine[];
}

export interface SignalLine {
  readonly signal: CountSignal;
  /** "×2 (1%)": a rate ratio and the rate it means at the stable rate. */
  readonly ownRuleOut?: string;
  readonly pooledRuleOut?: string;
  readonly catches?: string;
  readonly excessAtCatch?: number;
}

const NOUN: Record<CountSignal, string> = { errors: 'errors', latency: 'slow requests', saturation: 'throttles' };

export function planLines(plans: readonly TargetPlan[], phases: readonly JudgedPhase[]): PlanLine[] {
  return plans.flatMap((plan) =>
    phases.map((phase, i) => ({
      targetKey: plan.targetKey,
      phase: phase.name,
      weight: phase.weight,
      bake: `${minutes(phase.minBakeSeconds)}–${minutes(phase.maxBakeSeconds)} min`,
      healthyMinutes: Math.max(0, ...COUNT_SIGNALS.map((s) => plan.signals[s]?.phases[i]?.healthyMinutes ?? 0)),
      signals: COUNT_SIGNALS.flatMap((signal): SignalLine[] => {
        const s = plan.signals[signal];
        const p = s?.phases[i];
        if (!s || !p) return [];
        const rate = (ratio: number | undefined) => (ratio === undefined ? undefined : describeRegression(ratio, s.stableRate));
        return [{ signal, ownRuleOut: rate(p.own), pooledRuleOut: rate(p.pooled), catches: rate(p.catches), excessAtCatch: p.excessAtCatch }];
      }),
    })),
  );
}

/** The lines as text, for a terminal: a header per target, then a paragraph per phase. */
export function renderPlanText(plans: readonly TargetPlan[], phases: readonly JudgedPhase[]): string[] {
  const out: string[] = [];
  const lines = planLines(plans, phases);
  for (const plan of plans) {
    const traffic = plan.requestsPerMinute === undefined ? 'no traffic measured' : `${formatRatio(plan.requestsPerMinute / 60)} rps`;
    const rates = COUNT_SIGNALS.flatMap((s) => (plan.signals[s] ? [`${NOUN[s]} ${percent(plan.signals[s].stableRate)}`] : [])).join(', ');
    out.push(`${plan.targetKey} at ${traffic}; stable version: ${rates}`);
    for (const line of lines.filter((l) => l.targetKey === plan.targetKey)) {
      out.push(`  ${line.phase} at ${line.weight}%, ${line.bake}: a healthy release passes in about ${Math.round(line.healthyMinutes)} min`);
      for (const s of line.signals) {
        const rules = [s.pooledRuleOut ? `${s.pooledRuleOut} so far` : '', s.ownRuleOut ? `${s.ownRuleOut} at this step` : ''].filter(Boolean).join(', ');
        const catches = s.catches ? `catches ${s.catches} within the bake${s.excessAtCatch !== undefined ? `, ~${Math.round(s.excessAtCatch)} excess ${NOUN[s.signal]} by then` : ''}` : 'too little traffic to catch anything within the bake';
        out.push(`    ${s.signal.padEnd(10)} rules out ${rules || 'nothing yet'}; ${catches}`);
      }
    }
  }
  return out;
}

function minutes(seconds: number): string {
  return String(Math.round(seconds / 6) / 10);
}

