import { timeTicks, valueAxis } from '../../lib/report/axis-ticks';

const at = (hhmm: string): number => Date.parse(`2026-01-05T${hhmm}:00.000Z`);

describe('valueAxis', () => {
  it('covers the largest value with round ticks from zero', () => {
    expect(valueAxis(412)).toEqual({ max: 500, ticks: [0, 100, 200, 300, 400, 500] });
    expect(valueAxis(3.2)).toEqual({ max: 4, ticks: [0, 1, 2, 3, 4] });
    expect(valueAxis(255, 5)).toEqual({ max: 300, ticks: [0, 100, 200, 300] });
  });

  it('prints decimal steps without floating-point noise', () => {
    expect(valueAxis(0.7).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });

  it('still gives an axis when every value is zero or missing', () => {
    expect(valueAxis(0)).toEqual({ max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(valueAxis(Number.NaN)).toEqual(valueAxis(0));
  });
});

describe('timeTicks', () => {
  it('puts about eight ticks on round minutes, labelled HH:MM in UTC', () => {
    expect(timeTicks(at('09:03'), at('10:31')).map((t) => t.label)).toEqual(['09:15', '09:30', '09:45', '10:00', '10:15', '10:30']);
  });

  it('gives a one-minute span its minute', () => {
    expect(timeTicks(at('09:00'), at('09:00')).map((t) => t.label)).toEqual(['09:00']);
  });

  it('labels multi-day spans by date', () => {
    expect(timeTicks(at('00:00'), at('00:00') + 10 * 86_400_000)[0].label).toBe('01-05');
  });
});
