import { CfnRule, Fn, type Stack } from 'aws-cdk-lib';
import { ConfigError } from '../shared/errors.js';
import type { SourceDeployment } from '../shared/sources/deployment.js';
import type { PipelineConfig } from './config.js';

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Placeholder contacts the repository itself uses; upstream operators must be able to reach a real person. */
const PLACEHOLDER = /example\.(com|org|net)|@example\b|\.example\b/i;

/**
 * Settings a real deployment cannot do without: somewhere for alarms to go, a User-Agent naming a reachable
 * contact, and each deployed function's source settings. Answers one line per missing setting.
 */
export function missingDeploySettings(
  config: PipelineConfig,
  deployments: readonly SourceDeployment[],
): string[] {
  const missing: string[] = [];
  if (!config.alarmEmail && !config.alarmTopicArn) {
    missing.push('alarmEmail or alarmTopicArn (where alarms go)');
  }
  if (config.alarmEmail && !EMAIL.test(config.alarmEmail))
    missing.push('alarmEmail must be an email address');
  if (config.alarmTopicArn && !SNS_TOPIC_ARN.test(config.alarmTopicArn)) {
    missing.push('alarmTopicArn must be an SNS topic ARN');
  }
  if (!config.userAgent || PLACEHOLDER.test(config.userAgent) || !/@|https?:\/\//.test(config.userAgent)) {
    missing.push(
      'userAgent naming your organisation and a real contact, e.g. "Acme Clinic export (it@acme.com.au)"',
    );
  }
  for (const deployment of deployments) {
    const source = config.sources.get(deployment.source);
    if (!source?.enabled) continue;
    const functions = [
      deployment.exportFunction,
      ...(source.webhook && deployment.webhook
        ? [deployment.webhook.receiver, deployment.webhook.worker]
        : []),
    ];
    const needed = new Set(functions.flatMap((fn) => Object.values(fn.settingsEnvironment ?? {})));
    for (const setting of needed) {
      if (source.settings[setting] === undefined) {
        missing.push(
          `sources.${deployment.source}.settings.${setting} (${deployment.settings?.[setting] ?? setting})`,
        );
      }
    }
  }
  return missing;
}

/**
 * `cdk deploy` (and a plain `cdk synth`) refuse without the deploy settings, with one line naming them. `npm run
 * synth` and the tests pass `-c synthOnly=true` to check the template offline; such a template carries a
 * CloudFormation rule that always fails, so even deploying it by hand is refused before any resource changes.
 */
export function enforceDeploySettings(
  stack: Stack,
  config: PipelineConfig,
  deployments: readonly SourceDeployment[],
  synthOnly: boolean,
): void {
  const missing = missingDeploySettings(config, deployments);
  if (missing.length === 0) return;
  const line = `not deployable: set context ${missing.join('; ')}`;
  if (!synthOnly) throw new ConfigError(line);
  new CfnRule(stack, 'DeploySettingsRequired', {
    assertions: [{ assert: Fn.conditionEquals('settings', 'missing'), assertDescription: line }],
  });
}
