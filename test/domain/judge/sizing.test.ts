import { catchChance, effectiveTrials, poissonCdf, ruleOutChance, smallestCaught, smallestRuledOut } from '../../../lib/domain/judge/sizing';

const known = (trials: number) => ({ trials, stableRate: 0.005, stableTrials: 1e9 });

describe('poissonCdf', () => {
  it('matches known values, small and large', () => {
    expect(poissonCdf(0, 2)).toBeCloseTo(Math.exp(-2), 12);
    expect(poissonCdf(2, 2)).toBeCloseTo(5 * Math.exp(-2), 12);
    expect(poissonCdf(-1, 3)).toBe(0);
    expect(poissonCdf(5000, 5000)).toBeCloseTo(0.5, 1);
  });
});

describe('effectiveTrials', () => {
  it('discounts new-version requests by how uncertain the stable rate still is', () => {
    expect(effectiveTrials({ trials: 1000, stableRate: 0.005, stableTrials: 1000 })).toBe(500);
    expect(effectiveTrials(known(1000))).toBeCloseTo(1000, 0);
    expect(effectiveTrials({ trials: 1000, stableRate: 0.005, stableTrials: 0 })).toBe(0);
  });
});

describe('ruleOutChance', () => {
  it('grows with the requests and with the size of the regression ruled out', () => {
    expect(ruleOutChance(known(4000), 2, 0.05)).toBeGreaterThan(ruleOutChance(known(1000), 2, 0.05));
    expect(ruleOutChance(known(1000), 4, 0.05)).toBeGreaterThan(ruleOutChance(known(1000), 2, 0.05));
    expect(ruleOutChance(known(0), 2, 0.05)).toBe(0);
  });

  it('needs several thousand requests to rule out ×2 on a 0.5% error rate nearly always', () => {
    expect(ruleOutChance(known(2000), 2, 0.05)).toBeLessThan(0.7);
    expect(ruleOutChance(known(15_000), 2, 0.05)).toBeGreaterThan(0.998);
  });
});

describe('smallestRuledOut', () => {
  it('is the critical ratio with plenty of traffic, larger with little, and nothing with none', () => {
    expect(smallestRuledOut(known(50_000), 2, 0.05, 0.99)).toBe(2);
    const little = smallestRuledOut(known(500), 2, 0.05, 0.99) as number;
    expect(little).toBeGreaterThan(3);
    expect(ruleOutChance(known(500), little, 0.05)).toBeGreaterThanOrEqual(0.99);
    expect(smallestRuledOut(known(0), 2, 0.05, 0.99)).toBeUndefined();
  });
});

describe('catchChance and smallestCaught', () => {
  const input = (trials: number) => ({ ...known(trials), alpha: 0.0045, critical: 2, startWeight: 0.7 });

  it('catches bigger regressions more surely', () => {
    expect(catchChance(input(2000), 10)).toBeGreaterThan(catchChance(input(2000), 3));
    expect(catchChance(input(2000), 1)).toBeLessThan(0.01);
  });

  it('sizes what a step catches to its traffic', () => {
    const busy = smallestCaught(input(50_000), 0.95) as number;
    const quiet = smallestCaught(input(500), 0.95) as number;
    expect(busy).toBeLessThan(quiet);
    expect(catchChance(input(500), quiet)).toBeGreaterThanOrEqual(0.95);
  });
});
