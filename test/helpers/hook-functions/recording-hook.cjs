// A hook function as a user would write one, run in-process by local mode: it records every event
// it receives (tests read `received`) and answers as the event's rollout asks through `answers`.
const received = [];
const answers = new Map();

exports.received = received;
/** Sets what the hook answers for one lifecycle event: an answer object, or an Error to throw. */
exports.answer = (lifecycleEvent, answer) => answers.set(lifecycleEvent, answer);
exports.reset = () => {
  received.length = 0;
  answers.clear();
};

exports.handler = async (event, context) => {
  received.push({ event, remainingMs: context.getRemainingTimeInMillis() });
  const answer = answers.get(event.lifecycleEvent) ?? { status: 'Succeeded', reason: `checked ${event.targets.length} target(s)` };
  if (answer instanceof Error) throw answer;
  return answer;
};
