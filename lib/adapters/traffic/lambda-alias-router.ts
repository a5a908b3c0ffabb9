import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  UpdateAliasCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { aliasLayoutFor, describeAliasLayout, nearlyEqualWeights, type AliasLayout } from '../../domain/alias-layout';
import { DriftError, PreconditionError } from '../../domain/errors';
import { targetKey, type LambdaAliasTarget } from '../../domain/targets';
import { awsCall } from '../aws-errors';
import { capturedKey, checkWeight, type CapturedState, type RestoreResult, type TrafficRouter } from './traffic-router';

/** Only `send` is used, so tests can inject `mockClient(LambdaClient)` and IAM needs just three actions. */
export type LambdaAliasClient = Pick<LambdaClient, 'send'>;

export interface LambdaAliasRouterProps {
  readonly client: LambdaAliasClient;
}

/** What GetAlias says, reduced to what routing depends on. */
interface AliasView {
  readonly functionVersion: string;
  /** Additional versions and their fractions of traffic (0–1). */
  readonly weights: Readonly<Record<string, number>>;
  readonly revisionId: string;
  readonly aliasArn: string | undefined;
}

/**
 * Shifts traffic between two published versions of a Lambda function through one alias's
 * `RoutingConfig.AdditionalVersionWeights`. Uses exactly GetAlias, GetFunctionConfiguration and
 * UpdateAlias. Every write is conditional on the RevisionId just read, so a change made between
 * read and write surfaces as DriftError instead of being overwritten.
 *
 * Layouts: weight 0 is the stable version with no weights; 0 < w < 100 keeps the stable version
 * primary with the new version at w / 100; 100 is the new version with no weights, the same as
 * promoted. While weights are set, provisioned-concurrency updates on the alias fail (AWS
 * refuses them), so a rollout blocks those until it promotes or rolls back.
 */
export class LambdaAliasRouter implements TrafficRouter<LambdaAliasTarget> {
  private readonly client: LambdaAliasClient;

  constructor(props: LambdaAliasRouterProps) {
    this.client = props.client;
  }

  async capture(target: LambdaAliasTarget): Promise<CapturedState> {
    const key = targetKey(target);
    const alias = await this.getAlias(target);
    refuseUnroutableAlias(key, target, alias);
    const stable = await this.getConfiguration(target, alias.functionVersion);
    const candidate = await this.getConfiguration(target, target.newVersion);
    refuseUnroutableVersion(key, target, alias.functionVersion, stable, candidate);
    return {
      targetKey: key,
      kind: 'lambda-alias',
      stableVersion: alias.functionVersion,
      newVersion: target.newVersion,
      attributes: {
        functionVersion: alias.functionVersion,
        revisionId: alias.revisionId,
        aliasArn: alias.aliasArn ?? null,
        functionArn: unqualifiedArn(stable.FunctionArn),
        role: stable.Role ?? null,
        deadLetterTargetArn: stable.DeadLetterConfig?.TargetArn ?? null,
        newCodeSha256: candidate.CodeSha256 ?? null,
      },
    };
  }

  async setWeight(target: LambdaAliasTarget, captured: CapturedState, weightPercent: number, previousWeightPercent: number): Promise<void> {
    checkWeight(weightPercent);
    await this.moveTo(target, captured, weightPercent, previousWeightPercent);
  }

  /** Promoted and "100%" are the same layout: the new version alone, no weights. */
  async promote(target: LambdaAliasTarget, captured: CapturedState, previousWeightPercent: number): Promise<void> {
    await this.moveTo(target, captured, 100, previousWeightPercent);
  }

  async restore(target: LambdaAliasTarget, captured: CapturedState): Promise<RestoreResult> {
    const key = capturedKey(target, captured);
    const alias = await this.getAlias(target);
    const stable = aliasLayoutFor(captured, 0);
    const stableLabel = describeAliasLayout(stable);
    if (sameLayout(alias, stable)) {
      return { targetKey: key, action: 'already-stable', detail: `alias already on ${stableLabel}` };
    }
    // Overwriting a layout fledge never writes could undo a fix made by hand during an incident.
    if (weightShown(alias, captured) === undefined) {
      return { targetKey: key, action: 'skipped-drifted', detail: `not restored to ${stableLabel}: ${key} was changed outside this rollout, found ${describeAlias(alias)}` };
    }
    await this.updateAlias(target, stable, alias.revisionId);
    return { targetKey: key, action: 'restored', detail: `alias back on ${stableLabel} (was ${describeAlias(alias)})` };
  }

  /**
   * Reads the alias, then writes the layout for `weight` only if the alias still shows what fledge
   * set last. Already at `weight` means a retried call whose first write landed: nothing to do.
   */
  private async moveTo(target: LambdaAliasTarget, captured: CapturedState, weight: number, previous: number): Promise<void> {
    const key = capturedKey(target, captured);
    const alias = await this.getAlias(target);
    const shown = weightShown(alias, captured);
    if (shown !== undefined && nearlyEqualWeights(shown, weight)) return;
    if (shown === undefined || !nearlyEqualWeights(shown, previous)) {
      throw new DriftError(
        `${key} was changed outside this rollout: expected ${describeAliasLayout(aliasLayoutFor(captured, previous))} (${previous}%, set last by fledge), found ${describeAlias(alias)}`,
      );
    }
    await this.updateAlias(target, aliasLayoutFor(captured, weight), alias.revisionId);
  }

  private async getAlias(target: LambdaAliasTarget): Promise<AliasView> {
    const output = await awsCall(`GetAlias ${aliasLabel(target)}`, () =>
      this.client.send(new GetAliasCommand({ FunctionName: target.functionName, Name: target.alias })),
    );
    if (!output.FunctionVersion || !output.RevisionId) {
      throw new Error(`GetAlias ${aliasLabel(target)} returned no FunctionVersion or RevisionId`);
    }
    return {
      functionVersion: output.FunctionVersion,
      weights: output.RoutingConfig?.AdditionalVersionWeights ?? {},
      revisionId: output.RevisionId,
      aliasArn: output.AliasArn,
    };
  }

  private async getConfiguration(target: LambdaAliasTarget, version: string): Promise<FunctionConfiguration> {
    return awsCall(`GetFunctionConfiguration ${target.functionName}:${version}`, () =>
      this.client.send(new GetFunctionConfigurationCommand({ FunctionName: target.functionName, Qualifier: version })),
    );
  }

  /** Conditional on `revisionId`: a change since that read fails with PreconditionFailedException, classified as DriftError. */
  private async updateAlias(target: LambdaAliasTarget, layout: AliasLayout, revisionId: string): Promise<void> {
    await awsCall(`UpdateAlias ${aliasLabel(target)}`, () =>
      this.client.send(
        new UpdateAliasCommand({
          FunctionName: target.functionName,
          Name: target.alias,
          FunctionVersion: layout.functionVersion,
          // An empty map clears the routing; leaving RoutingConfig out would keep the old weights.
          RoutingConfig: { AdditionalVersionWeights: { ...layout.weights } },
          RevisionId: revisionId,
        }),
      ),
    );
  }
}

/** Alias routing needs two distinct published versions and no routing left by someone else. */
function refuseUnroutableAlias(key: string, target: LambdaAliasTarget, alias: AliasView): void {
  if (Object.keys(alias.weights).length > 0) {
    throw new PreconditionError(
      `${key} already has routing weights (${describeAlias(alias)}): another rollout or a manual change left them; remove them before starting`,
    );
  }
  if (alias.functionVersion === target.newVersion) {
    throw new PreconditionError(`${key} already points to version ${target.newVersion}: there is nothing to roll out`);
  }
  if (alias.functionVersion === '$LATEST') {
    throw new PreconditionError(`${key} points to $LATEST, which cannot carry routing weights: point the alias to a published version, then start again`);
  }
}

/** Lambda refuses weights between versions whose role or dead-letter target differ; a half-ready version would fail requests. */
function refuseUnroutableVersion(
  key: string,
  target: LambdaAliasTarget,
  stableVersion: string,
  stable: FunctionConfiguration,
  candidate: FunctionConfiguration,
): void {
  const newLabel = `version ${target.newVersion} of ${target.functionName}`;
  if (candidate.State !== 'Active') {
    throw new PreconditionError(
      `${key}: ${newLabel} is ${candidate.State ?? 'in no state'}${reason(candidate.StateReason)}, not Active: wait until it is Active (an Inactive version wakes on its next invocation), then start again`,
    );
  }
  if (candidate.LastUpdateStatus !== 'Successful') {
    throw new PreconditionError(
      `${key}: ${newLabel} has last update status ${candidate.LastUpdateStatus ?? 'none'}${reason(candidate.LastUpdateStatusReason)}, not Successful: publish a version whose update succeeded`,
    );
  }
  if (candidate.Role !== stable.Role) {
    throw new PreconditionError(
      `${key}: ${newLabel} runs as ${candidate.Role ?? 'no role'} but stable version ${stableVersion} as ${stable.Role ?? 'no role'}: alias routing needs the same execution role; publish the new version with the stable one's role`,
    );
  }
  const newDlq = candidate.DeadLetterConfig?.TargetArn;
  const stableDlq = stable.DeadLetterConfig?.TargetArn;
  if (newDlq !== stableDlq) {
    throw new PreconditionError(
      `${key}: ${newLabel} has dead-letter target ${newDlq ?? 'none'} but stable version ${stableVersion} has ${stableDlq ?? 'none'}: alias routing needs the same dead-letter configuration; publish the new version with the stable one's`,
    );
  }
}

/**
 * The weight fledge would have set to produce this alias, or undefined for a layout fledge never
 * writes (a foreign version, a third version in the weights, weights on top of the new version).
 */
function weightShown(alias: AliasView, captured: CapturedState): number | undefined {
  const additional = Object.entries(alias.weights);
  if (alias.functionVersion === captured.newVersion) return additional.length === 0 ? 100 : undefined;
  if (alias.functionVersion !== captured.stableVersion) return undefined;
  if (additional.length === 0) return 0;
  const [version, fraction] = additional[0];
  return additional.length === 1 && version === captured.newVersion ? fraction * 100 : undefined;
}

function sameLayout(alias: AliasView, layout: AliasLayout): boolean {
  return alias.functionVersion === layout.functionVersion && Object.keys(alias.weights).length === 0 && Object.keys(layout.weights).length === 0;
}

function describeAlias(alias: AliasView): string {
  return `alias on ${describeAliasLayout(alias)}, revision ${alias.revisionId}`;
}

function aliasLabel(target: LambdaAliasTarget): string {
  return `${target.functionName}:${target.alias}`;
}

function reason(text: string | undefined): string {
  return text ? ` (${text})` : '';
}

/** A version-qualified ARN (…:function:name:7) without its qualifier. */
function unqualifiedArn(arn: string | undefined): string | null {
  return arn ? arn.split(':').slice(0, 7).join(':') : null;
}
