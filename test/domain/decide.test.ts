import { decideNext, type DecisionInput } from '../../lib/domain/decide';
import type { Verdict, VerdictValue } from '../../lib/domain/verdict';

const verdict = (value: VerdictValue, reason = `${value} reason`): Verdict => ({
  value,
  reason,
  signals: [],
  canaryRequests: 100,
  baselineRequests: 900,
});

const input = (overrides: Partial<DecisionInput> = {}): DecisionInput => ({
  verdict: verdict('continue'),
  mode: 'enforce',
  onInconclusive: 'rollback',
  phase: 'step',
  isLastStep: false,
  stepNeedsApproval: false,
  elapsedSeconds: 600,
  minBakeSeconds: 300,
  ...overrides,
});

describe('decideNext', () => {
  describe('in enforce mode', () => {
    it('waits for more evidence on continue', () => {
      expect(decideNext(input()).decision).toBe('wait');
    });

    it('advances to the next step on pass, and promotes after the last step', () => {
      expect(decideNext(input({ verdict: verdict('pass') })).decision).toBe('advance');
      expect(decideNext(input({ verdict: verdict('pass'), isLastStep: true })).decision).toBe('promote');
    });

    it('finalizes when the final bake passes', () => {
      expect(decideNext(input({ verdict: verdict('pass'), phase: 'final-bake' })).decision).toBe('finalize');
    });

    it('stops at the approval gate of a passed step, remembering where to go next', () => {
      expect(decideNext(input({ verdict: verdict('pass'), stepNeedsApproval: true }))).toMatchObject({
        decision: 'await-approval',
        afterApproval: 'advance',
      });
    });

    it('rolls back on fail, keeping the verdict reason', () => {
      expect(decideNext(input({ verdict: verdict('fail', 'errors: 3.1% vs 0.5%') }))).toEqual({
        decision: 'rollback',
        rollbackReason: 'verdict-failed',
        reason: 'errors: 3.1% vs 0.5%',
      });
    });

    it('rolls back on a judge error', () => {
      expect(decideNext(input({ verdict: verdict('error') }))).toMatchObject({ decision: 'rollback', rollbackReason: 'error' });
    });
  });

  describe('on inconclusive', () => {
    const inconclusive = verdict('inconclusive', 'only 40 canary requests');

    it('rolls back by default', () => {
      expect(decideNext(input({ verdict: inconclusive }))).toMatchObject({ decision: 'rollback', rollbackReason: 'inconclusive' });
    });

    it('pauses for a human when the policy says pause', () => {
      expect(decideNext(input({ verdict: inconclusive, onInconclusive: 'pause' }))).toMatchObject({
        decision: 'await-approval',
        afterApproval: 'advance',
      });
    });

    it('promotes when the policy says promote', () => {
      expect(decideNext(input({ verdict: inconclusive, onInconclusive: 'promote' })).decision).toBe('promote');
    });
  });

  describe('control requests', () => {
    it('abort beats a passing verdict', () => {
      const next = decideNext(input({ verdict: verdict('pass'), control: { action: 'abort', reason: 'pager', requestedBy: 'alice' } }));
      expect(next).toMatchObject({ decision: 'rollback', rollbackReason: 'aborted' });
      expect(next.reason).toContain('alice');
    });

    it('promote skips the remaining steps and is labelled an emergency', () => {
      const next = decideNext(input({ control: { action: 'promote', reason: 'hotfix', requestedBy: 'bob' } }));
      expect(next.decision).toBe('promote');
      expect(next.reason).toMatch(/emergency promotion by bob/);
    });

    it('abort is obeyed in observe mode too', () => {
      expect(decideNext(input({ mode: 'observe', control: { action: 'abort', reason: 'x', requestedBy: 'c' } })).decision).toBe('rollback');
    });
  });

  describe('in observe mode', () => {
    it('never rolls back on fail, and proceeds once the minimum bake is over', () => {
      const next = decideNext(input({ mode: 'observe', verdict: verdict('fail'), elapsedSeconds: 300, minBakeSeconds: 300 }));
      expect(next.decision).toBe('advance');
      expect(next.reason).toMatch(/observe mode, verdict fail recorded/);
    });

    it('keeps baking until the minimum bake is over', () => {
      expect(decideNext(input({ mode: 'observe', verdict: verdict('fail'), elapsedSeconds: 120 })).decision).toBe('wait');
    });
  });
});
