import { writeFile } from 'node:fs/promises';
import { STATE } from '../constructs/state-names';
import { buildReportData } from '../report/build-report-data';
import { renderHtmlReport } from '../report/html-report';
import { awsCliCall } from './aws-cli-errors';
import { connectController, type ControllerOptions } from './controller-access';
import { UsageError } from './errors';
import { checkWritableFile } from './output-file';
import { describe } from './follow';
import { EXIT, type CliIo } from './io';
import { unknownRollout } from './status';

export interface ReportOptions extends ControllerOptions {
  readonly rolloutId: string;
  readonly out: string;
  readonly json?: boolean;
}

/**
 * Writes the demo's self-contained HTML report for any rollout, built from its ledger record and
 * events alone. The execution is read too, when it is known, for the state the controller ended in.
 */
export async function report(opts: ReportOptions, io: CliIo): Promise<number> {
  await checkWritableFile(opts.out, '--out');
  const controller = await connectController(opts);
  const record = await awsCliCall(`read rollout ${opts.rolloutId}`, 'dynamodb:GetItem', () => controller.ledger.getRollout(opts.rolloutId));
  if (!record) throw unknownRollout(opts.rolloutId, controller.tableName);
  const events = await awsCliCall(`read rollout ${opts.rolloutId}`, 'dynamodb:Query', () => controller.ledger.listEvents(opts.rolloutId));
  const execution = record.executionId ? await describe(controller, record.executionId) : undefined;
  // A Fail state's error is its name, which says why (RolledBackOnFailedVerdict); success ends in Promoted.
  const endState = execution?.status === 'SUCCEEDED' ? STATE.promoted : (execution?.error ?? undefined);
  const data = buildReportData({ record, events, title: `fledge rollout ${record.rolloutId}`, endState });
  try {
    await writeFile(opts.out, renderHtmlReport(data), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot write the report to ${opts.out}: ${(error as Error).message}`);
  }
  if (opts.json) io.out(JSON.stringify({ rolloutId: record.rolloutId, status: record.status, report: opts.out, evaluations: data.evaluations.length }, null, 2));
  else io.out(`wrote ${opts.out}: rollout ${record.rolloutId}, ${record.status}, ${data.evaluations.length} evaluations`);
  return EXIT.ok;
}
