import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../infra/config.js';
import { SOURCE_DEPLOYMENTS } from '../../infra/source-deployments.js';
import { ClinicPipeStack } from '../../infra/stack.js';
import { tempOutdir } from './temp-outdir.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type Json = Record<string, unknown>;
export interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

/** Deploy settings a real deployment has (tests that are not about them pass these). */
export const DEPLOYABLE = {
  alarmEmail: 'oncall@clinic.test',
  userAgent: 'Test Clinic export (it@clinic.test)',
  sources: {
    cliniko: {
      accounts: [
        { name: 'main', schedule: 'cron(0 3 * * ? *)', timezone: 'Australia/Sydney' },
        { name: 'north', schedule: 'cron(30 2 * * ? *)', timezone: 'Australia/Brisbane' },
      ],
    },
    welkin: {
      schedule: 'cron(0 4 * * ? *)',
      timezone: 'America/New_York',
      settings: { tenant: 'acme', instance: 'prod' },
    },
  },
};

/** Synthesizes the stack with bundling skipped (the `synth` script covers it) to keep tests fast. */
export function synth(
  context: Json,
  options: { synthOnly?: boolean } = {},
): { app: App; template: SynthTemplate } {
  const app = new App({ outdir: tempOutdir(), context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new ClinicPipeStack(app, 'TestPipe', {
    config: readConfig(app.node, SOURCE_DEPLOYMENTS),
    projectRoot,
    synthOnly: options.synthOnly,
  });
  return { app, template: new SynthTemplate(Template.fromStack(stack)) };
}

/** Template lookups the stack tests share. */
export class SynthTemplate {
  constructor(readonly template: Template) {}

  resourcesOf(type: string): Array<[string, Json]> {
    return Object.entries(this.template.findResources(type)) as Array<[string, Json]>;
  }

  all(): Array<[string, Json]> {
    return Object.entries(this.template.toJSON().Resources as Json) as Array<[string, Json]>;
  }

  logicalIdOf(type: string, idPart: string): string {
    const match = this.resourcesOf(type).find(([id]) => id.includes(idPart));
    if (!match) throw new Error(`no ${type} with ${idPart}`);
    return match[0];
  }

  /** A function by its POWERTOOLS_SERVICE_NAME. */
  functionNamed(service: string): [string, Json] {
    const found = this.resourcesOf('AWS::Lambda::Function').find(
      ([, fn]) => envOf(fn).POWERTOOLS_SERVICE_NAME === service,
    );
    if (!found) throw new Error(`no function ${service}`);
    return found;
  }

  /** Flattens a Fn::Join'ed definition into JSON, rendering `Fn::GetAtt` as "<LogicalId>", others as "<ref>". */
  definitionOf(idPart: string): Json {
    const [, machine] =
      this.resourcesOf('AWS::StepFunctions::StateMachine').find(([id]) => id.includes(idPart)) ?? [];
    const body = props(machine as Json).DefinitionString as { 'Fn::Join': [string, unknown[]] };
    const render = (part: unknown) => {
      if (typeof part === 'string') return part;
      const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      return getAtt ? `<${getAtt[0]}>` : '<ref>';
    };
    return JSON.parse(body['Fn::Join'][1].map(render).join('')) as Json;
  }

  statesOf(idPart: string): Record<string, Json> {
    return this.definitionOf(idPart).States as Record<string, Json>;
  }

  /** The states each Map item runs through (one resource). */
  innerStatesOf(idPart: string): Record<string, Json> {
    const map = this.statesOf(idPart).ExportEachResource as Json;
    return (map.ItemProcessor as { States: Record<string, Json> }).States;
  }

  statementsOf(idPart: string): Statement[] {
    return this.resourcesOf('AWS::IAM::Policy')
      .filter(([id]) => id.includes(idPart))
      .flatMap(([, policy]) => (props(policy).PolicyDocument as { Statement: Statement[] }).Statement);
  }

  managedStatements(): Statement[] {
    return this.resourcesOf('AWS::IAM::ManagedPolicy').flatMap(
      ([, policy]) => (props(policy).PolicyDocument as { Statement: Statement[] }).Statement,
    );
  }
}

export function props(resource: Json): Json {
  return resource.Properties as Json;
}

export function envOf(fn: Json): Json {
  return ((props(fn).Environment as { Variables?: Json } | undefined)?.Variables ?? {}) as Json;
}

export function actions(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}
