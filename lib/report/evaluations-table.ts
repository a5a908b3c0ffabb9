import { html, type SafeHtml } from './html';
import type { ReportEvaluation } from './report-data';
import { clock, parseTime } from './time-format';

/** Every evaluation in order, with its per-signal one-liners folded into a `<details>`. */
export function evaluationsTable(evaluations: readonly ReportEvaluation[]): SafeHtml {
  if (evaluations.length === 0) return html`<p class="empty">No evaluations were recorded.</p>`;
  return html`<table>
<thead><tr><th>Time</th><th>Step</th><th>Weight</th><th>Verdict</th><th>Decision</th><th>Reason</th></tr></thead>
<tbody>
${evaluations.map(evaluationRow)}
</tbody>
</table>`;
}

function evaluationRow(e: ReportEvaluation): SafeHtml {
  const t = parseTime(e.at);
  return html`<tr class="evaluation">
<td class="time">${t === undefined ? e.at : clock(t, true)}</td>
<td class="step">${e.step}</td>
<td class="num">${e.weight}%</td>
<td><span class="badge small verdict-${e.verdict}">${e.verdict}</span></td>
<td class="decision">${e.decision}</td>
<td>${e.reason}${signalDetails(e)}</td>
</tr>`;
}

function signalDetails(e: ReportEvaluation): SafeHtml | '' {
  if (e.signals.length === 0) return '';
  // Open by default where the signals explain a fail or an error.
  const open = e.verdict === 'fail' || e.verdict === 'error';
  return html`<details${open ? html` open` : ''}><summary>${e.signals.length} signal${e.signals.length === 1 ? '' : 's'}</summary><ul>
${e.signals.map((s) => html`<li><code>${s.signal} (${s.targetKey})</code>: <strong>${s.status}</strong> — ${s.reason}</li>`)}
</ul></details>`;
}
