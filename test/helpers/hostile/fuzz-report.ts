/** One seed for every fuzz test: a failure found once is found again, run after run. */
export const FUZZ_SEED = 20_260_308;

/** The one line a fuzz test prints: how many inputs, and what became of them. */
export function tallyLine(what: string, results: Readonly<Record<string, number>>): string {
  return `${what}: ${Object.entries(results).map(([label, n]) => `${n.toLocaleString('en')} ${label}`).join(', ')}`;
}
