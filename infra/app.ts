import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../shared/errors.js';
import { readConfig } from './config.js';
import { missingDeploySettings } from './deploy-settings.js';
import { addNagChecks } from './nag.js';
import { SOURCE_DEPLOYMENTS } from './source-deployments.js';
import { ClinicPipeStack } from './stack.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const app = new App();
try {
  const config = readConfig(app.node, SOURCE_DEPLOYMENTS);
  // Environment-agnostic unless the deployer pins one: synth needs no credentials and does no lookups.
  const account = app.node.tryGetContext('account') ?? process.env.CDK_DEPLOY_ACCOUNT;
  const region = app.node.tryGetContext('region') ?? process.env.CDK_DEPLOY_REGION;
  const synthOnly = String(app.node.tryGetContext('synthOnly')) === 'true';
  new ClinicPipeStack(app, app.node.tryGetContext('stackName') ?? 'ClinicPipe', {
    config,
    projectRoot,
    synthOnly,
    description: 'clinic-pipe: Cliniko and Welkin exports to S3 snapshots',
    env: account || region ? { account, region } : undefined,
  });
  // `npm run synth` checks the template offline: say in one line that it could not be deployed as it is.
  const missing = synthOnly ? missingDeploySettings(config, SOURCE_DEPLOYMENTS) : [];
  if (missing.length > 0)
    process.stderr.write(`clinic-pipe: template not deployable: set context ${missing.join('; ')}\n`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One line, no stack trace: the deployer has a setting to fix.
  process.stderr.write(`clinic-pipe: ${error.message}\n`);
  process.exit(1);
}
addNagChecks(app);
app.synth();
