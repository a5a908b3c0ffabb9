/**
 * A pre-traffic hook: no new version takes traffic during a change freeze.
 *
 * fledge invokes it before the first weight moves, with the rollout id, its targets and their
 * versions. It answers { status: "Succeeded" } to let the rollout go on, or { status: "Failed",
 * reason } to roll it back before any user meets the new version. Nothing here calls AWS, so
 * `fledge demo --request examples/hooked-rollout.json` runs it in-process, as it is.
 *
 * The freeze is an environment variable of the hook function, CHANGE_FREEZE, such as
 * "2026-12-24T00:00:00Z/2026-12-27T00:00:00Z holiday freeze": a start and end time and a reason.
 */
export const handler = async (event) => {
  const freeze = parseFreeze(process.env.CHANGE_FREEZE);
  const now = new Date();
  if (freeze && now >= freeze.from && now < freeze.until) {
    const targets = event.targets.map((t) => `${t.targetKey} ${t.stableVersion} → ${t.newVersion}`).join(', ');
    return { status: 'Failed', reason: `change freeze until ${freeze.until.toISOString()} (${freeze.why}): ${targets} must wait` };
  }
  return { status: 'Succeeded', reason: freeze ? `outside the change freeze of ${freeze.from.toISOString()}` : 'no change freeze declared' };
};

function parseFreeze(text) {
  if (!text) return undefined;
  const [span, ...why] = text.trim().split(/\s+/);
  const [from, until] = span.split('/').map((t) => new Date(t));
  // A freeze that cannot be read is an error, not "no freeze": the hook fails and the rollout stops.
  if (Number.isNaN(from?.getTime()) || Number.isNaN(until?.getTime())) throw new Error(`CHANGE_FREEZE is not "<from>/<until> reason": ${text}`);
  return { from, until, why: why.join(' ') || 'no reason given' };
}
