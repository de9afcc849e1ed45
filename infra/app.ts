import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { readConfig } from './config.js';
import { addNagChecks } from './nag.js';
import { ClinicPipeStack } from './stack.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const app = new App();
const config = readConfig(app.node);
// Environment-agnostic unless the deployer pins one: synth needs no credentials and does no lookups.
const account = app.node.tryGetContext('account') ?? process.env.CDK_DEPLOY_ACCOUNT;
const region = app.node.tryGetContext('region') ?? process.env.CDK_DEPLOY_REGION;
new ClinicPipeStack(app, app.node.tryGetContext('stackName') ?? 'ClinicPipe', {
  config,
  projectRoot,
  description: 'clinic-pipe: Cliniko and Welkin exports to S3 snapshots',
  env: account || region ? { account, region } : undefined,
});
addNagChecks(app);
app.synth();
