import { renderHtmlReport } from '../../lib/report/html-report';
import { VERDICT_COLOURS } from '../../lib/report/report-style';
import { newTestEvaluation, newTestReport, newTestTarget } from '../helpers/report-fixture';

const svgs = (page: string): string[] => page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
const count = (text: string, pattern: RegExp): number => (text.match(pattern) ?? []).length;

describe('renderHtmlReport', () => {
  describe('the document', () => {
    it('is one complete HTML page with its stylesheet inline', () => {
      const page = renderHtmlReport(newTestReport());

      expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(page).toMatch(/<html lang="en">[\s\S]*<head>[\s\S]*<style>[\s\S]+<\/style>[\s\S]*<\/head>[\s\S]*<body>[\s\S]*<\/body>\s*<\/html>\s*$/);
      expect(page).toContain('<title>fledge demo: error regression — ro-20260105-0900-abc123</title>');
    });

    it('loads nothing from outside: no scripts, no linked files, no http(s) addresses', () => {
      const page = renderHtmlReport(newTestReport());

      expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
      expect(page).not.toMatch(/(src|href)\s*=/i);
      expect(page).not.toMatch(/https?:\/\//i);
    });
  });

  describe('the header', () => {
    it.each([
      ['promoted', 'Promoted', '#2f9e44'],
      ['rolled-back', 'Rolled back', '#e03131'],
      ['rejected', 'Rejected', '#f08c00'],
      ['rollback-failed', 'Rollback failed', '#f08c00'],
    ] as const)('shows the %s outcome as a badge in its colour', (outcome, label, colour) => {
      const page = renderHtmlReport(newTestReport({ outcome }));

      expect(page).toContain(`<span class="badge outcome-${outcome}">${label}</span>`);
      expect(page).toContain(`.outcome-${outcome} { background: ${colour}; }`);
    });

    it('states the run: id, end state, reason, scenario, seed, strategy, mode, virtual times and wall time', () => {
      const page = renderHtmlReport(newTestReport());

      for (const fact of [
        'ro-20260105-0900-abc123',
        'RolledBackOnFailedVerdict',
        'errors on lambda:orders-api:live: 3.0% vs 0.6% crossed the failure boundary',
        'error-regression',
        '<dd>42</dd>',
        'Canary10Percent20Minutes',
        '<dd>enforce</dd>',
        '2026-01-05 09:00:00 UTC',
        '2026-01-05 09:25:00 UTC',
        '<dd>25 min</dd>',
        '<dd>2.4 s</dd>',
      ]) {
        expect(page).toContain(fact);
      }
    });
  });

  describe('the judge’s evidence', () => {
    it('draws the canary’s rate with its interval against the stable and critical rates, and each e-value against its line', () => {
      const [rates, evidence] = svgs(renderHtmlReport(newTestReport())).filter((svg) => /<title>errors on /.test(svg));
      for (const name of ['canary', 'canary 95% low', 'canary 95% high', 'stable', 'critical']) expect(rates).toContain(`data-series="${name}"`);
      for (const name of ['change detector', 'rolls back at', 'ruled out since the start', 'passes at']) expect(evidence).toContain(`data-series="${name}"`);
      // Thresholds are dashed; measurements are solid.
      expect(evidence).toMatch(/data-series="rolls back at"><path [^>]*stroke-dasharray/);
      expect(evidence).not.toMatch(/data-series="change detector"><path [^>]*stroke-dasharray/);
    });

    it('leaves out a signal that never saw an event, rather than drawing an empty chart', () => {
      const quiet = newTestTarget({ evidence: [{ signal: 'saturation', looks: [{ at: '2026-01-05T09:10:00.000Z', canaryRate: 0, stableRate: 0 }] }] });
      expect(svgs(renderHtmlReport(newTestReport({ targets: [quiet] })))).toHaveLength(3);
    });
  });

  describe('the plan', () => {
    it('shows what each step rules out and catches, and the notes preflight recorded', () => {
      const page = renderHtmlReport(newTestReport());
      expect(page).toMatch(/<h2>Plan <small>/);
      expect(page).toMatch(/<td>errors<\/td><td>×2 \(1%\)<\/td><td>–<\/td><td>×2.2 \(1.1%\)<\/td><td class="num">17<\/td>/);
      expect(page).toContain('<p class="warning">warning: lambda:orders-api:live errors: at 2 rps');
    });

    it('has no plan section when preflight recorded none', () => {
      expect(renderHtmlReport(newTestReport({ plan: [], planNotes: [] }))).not.toMatch(/<h2>Plan/);
    });
  });

  describe('the charts', () => {
    it('draws a weight, an error-rate and a p99 latency chart for every target, and the judge’s evidence on each signal with data', () => {
      const data = newTestReport({ targets: [newTestTarget(), newTestTarget({ targetKey: 'appconfig:checkout/flags/new-cart' })] });
      const charts = svgs(renderHtmlReport(data));

      expect(charts).toHaveLength(10);
      for (const key of ['lambda:orders-api:live', 'appconfig:checkout/flags/new-cart']) {
        const titles = charts.map((svg) => /<title>([^<]*)<\/title>/.exec(svg)?.[1] ?? '').filter((t) => t.includes(key));
        expect(titles).toEqual([
          `Weight of 8 on ${key} over time`,
          `Error rate per minute on ${key}, canary and baseline`,
          `p99 latency per minute on ${key}, canary and baseline`,
          `errors on ${key}: the new version&#39;s rate since the rollout began, against the stable and critical rates`,
          `errors on ${key}: log10 e-values against their thresholds`,
        ]);
      }
      for (const svg of charts) expect(svg).toMatch(/^<svg class="chart" viewBox="0 0 \d+ \d+" role="img" aria-label="[^"]+">\s*<title>/);
    });

    it('marks every evaluation on every chart, coloured by its verdict', () => {
      const data = newTestReport();
      const charts = svgs(renderHtmlReport(data));

      for (const svg of charts) {
        expect(count(svg, /class="verdict-marker /g)).toBe(data.evaluations.length);
        expect(svg).toContain(`class="verdict-marker verdict-marker-fail" cx="`);
        expect(svg).toMatch(new RegExp(`verdict-marker-fail"[^>]*fill="${VERDICT_COLOURS.fail}"`));
        expect(svg).toMatch(new RegExp(`verdict-marker-inconclusive"[^>]*fill="${VERDICT_COLOURS.inconclusive}"`));
      }
    });

    it('draws a labelled line for every milestone on every chart', () => {
      const data = newTestReport();

      for (const svg of svgs(renderHtmlReport(data))) {
        expect(count(svg, /<g class="milestone">/g)).toBe(data.milestones.length);
        expect(svg).toContain('>shift 50%</text>');
        expect(svg).toContain('>rollback</text>');
      }
    });

    it('shares one virtual-time axis labelled HH:MM across all charts', () => {
      const charts = svgs(renderHtmlReport(newTestReport()));
      const axisLabels = charts.map((svg) => [...svg.matchAll(/>(\d\d:\d\d)<\/text>/g)].map((m) => m[1]));

      expect(axisLabels[0]).toEqual(['09:00', '09:05', '09:10', '09:15', '09:20', '09:25']);
      for (const labels of axisLabels) expect(labels).toEqual(axisLabels[0]);
    });

    it('draws the weight as steps that hold until the next change', () => {
      const weightChart = svgs(renderHtmlReport(newTestReport()))[0];

      expect(weightChart).toMatch(/<path d="M[\d.]+,[\d.]+(H[\d.]+V[\d.]+){3}H[\d.]+" fill="none"/);
    });

    it('labels each weight change, so a 1% step is readable on a 0–100% axis', () => {
      const weightChart = svgs(renderHtmlReport(newTestReport()))[0];

      expect([...weightChart.matchAll(/class="value-label"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['10%', '50%', '0%']);
    });

    it('leaves a gap, not a zero, for minutes in which the canary had no requests', () => {
      const errorChart = svgs(renderHtmlReport(newTestReport()))[1];
      const canaryPaths = /<g class="series" data-series="canary">([\s\S]*?)<\/g>/.exec(errorChart)?.[1] ?? '';

      expect(count(canaryPaths, /<path /g)).toBe(1);
      expect(count(canaryPaths, /[ML]/g)).toBe(25);
    });

    it('still draws framed, labelled charts with no NaN when a target has no minutes', () => {
      const page = renderHtmlReport(newTestReport({ targets: [newTestTarget({ minutes: [], evidence: [] })] }));
      const charts = svgs(page);

      expect(charts).toHaveLength(3);
      expect(count(page, />no data<\/text>/g)).toBe(2);
      expect([...charts[1].matchAll(/text-anchor="end"[^>]*>([^<]*%)</g)].map((m) => m[1])).toEqual(['0%']);
      expect(page).not.toMatch(/NaN|Infinity|undefined/);
    });

    it('draws single points and a zero-length rollout without NaN', () => {
      const instant = '2026-01-05T09:00:00.000Z';
      const page = renderHtmlReport(
        newTestReport({
          startedAt: instant,
          endedAt: instant,
          targets: [newTestTarget({ weights: [{ at: instant, weight: 0 }], minutes: [{ minute: instant, baseline: { requests: 10, errorRate: 0 } }], evidence: [{ signal: 'errors', looks: [{ at: instant, canaryRate: 0.01, stableRate: 0.005, failEvidence: 0.2, failAt: 2.35 }] }] })],
          evaluations: [newTestEvaluation({ at: instant })],
          milestones: [{ at: instant, label: 'start', kind: 'control' }],
        }),
      );

      expect(svgs(page)).toHaveLength(5);
      expect(page).toContain('<circle cx=');
      expect(page).not.toMatch(/NaN|Infinity|undefined/);
    });
  });

  describe('escaping', () => {
    it('escapes text from the data wherever it appears', () => {
      const evil = `<script>alert("x")</script> & 'more'`;
      const page = renderHtmlReport(
        newTestReport({
          title: evil,
          reason: evil,
          targets: [newTestTarget({ targetKey: evil })],
          evaluations: [newTestEvaluation({ reason: evil, step: evil, signals: [{ signal: evil, targetKey: evil, status: evil, reason: evil }] })],
          milestones: [{ at: '2026-01-05T09:05:00.000Z', label: evil, kind: 'shift' }],
        }),
      );

      expect(page).not.toContain('<script');
      expect(page).not.toContain('alert("x")');
      expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;');
    });
  });

  describe('the decision', () => {
    it('states the outcome, its reason and the evaluation that decided it', () => {
      const page = renderHtmlReport(newTestReport());
      const box = /<section class="decision"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';

      expect(box).toContain('<h2>Decision: Rolled back</h2>');
      expect(box).toContain('errors on lambda:orders-api:live: 3.0% vs 0.6% crossed the failure boundary');
      expect(box).toContain('09:24:00, Linear 50% at 50%');
      expect(box).toContain('roll back. error rate 3.0% vs 0.6%');
    });
  });

  describe('the evaluations table', () => {
    it('has one row per evaluation with time, step, weight, verdict, decision and reason', () => {
      const page = renderHtmlReport(newTestReport());
      const rows = page.match(/<tr class="evaluation">[\s\S]*?<\/tr>/g) ?? [];

      expect(rows).toHaveLength(4);
      const cells = [...rows[3].matchAll(/<td[^>]*>([\s\S]*?)(?=<details|<\/td>)/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
      expect(cells).toEqual(['09:24:00', 'Linear 50%', '50%', 'fail', 'roll back', 'error rate 3.0% vs 0.6%']);
    });

    it('folds the per-signal one-liners into details, open where the verdict failed', () => {
      const rows = renderHtmlReport(newTestReport()).match(/<tr class="evaluation">[\s\S]*?<\/tr>/g) ?? [];

      expect(rows[0]).toContain('<details><summary>2 signals</summary>');
      expect(rows[0]).toContain('<li><code>errors (lambda:orders-api:live)</code>: <strong>continue</strong> — 0.60% vs 0.55%, LLR 0.4 of ±2.9</li>');
      expect(rows[3]).toContain('<details open><summary>2 signals</summary>');
    });

    it('says so when no evaluation was recorded', () => {
      const page = renderHtmlReport(newTestReport({ evaluations: [] }));

      expect(page).toContain('No evaluations were recorded.');
      for (const svg of svgs(page)) expect(svg).not.toContain('verdict-marker');
    });
  });
});
