import { type App, type PolicyViolation, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The rule packs every synth runs; `cdk synth` fails on any unacknowledged error. */
export function nagPacks(app: App): NagPack[] {
  return [new AwsSolutionsChecks(app, { verbose: true }), new HIPAASecurityChecks(app, { verbose: true })];
}

export function addNagChecks(app: App): NagPack[] {
  const packs = nagPacks(app);
  Validations.of(app).addPlugins(...packs);
  return packs;
}

export interface NagFinding {
  readonly rule: string;
  readonly severity: string;
  readonly paths: readonly string[];
}

/** Runs the same packs directly over a construct tree (used by tests; no cloud assembly needed). */
export function nagFindings(app: App, scope: IConstruct = app): NagFinding[] {
  return nagPacks(app).flatMap((pack) =>
    pack.validateScope(scope).violations.map((v: PolicyViolation) => ({
      rule: v.ruleName,
      severity: v.severity ?? 'error',
      paths: v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? ''),
    })),
  );
}
