import * as path from 'node:path';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { grantKeyViaSqs } from './grants.js';

export interface FunctionsProps {
  /** Repository root: entries, package-lock.json and tsconfig are resolved from here. */
  readonly projectRoot: string;
  readonly key: IKey;
  readonly logRetention: RetentionDays;
  /** Dead-letter queue for asynchronous invocations (e.g. `aws lambda invoke --invocation-type Event`). */
  readonly asyncDeadLetterQueue: IQueue;
  readonly reservedConcurrency: boolean;
  /** Environment every function gets (bucket, prefix). */
  readonly environment: Record<string, string>;
}

export interface PipelineFunctionProps {
  /** Folder under functions/ holding index.ts. */
  readonly entryDir: string;
  readonly serviceName: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly reservedConcurrentExecutions: number;
  readonly environment?: Record<string, string>;
}

/**
 * Owns the Lambda defaults (local esbuild bundle, Node 22 on arm64, JSON logs with Powertools, encrypted log
 * group with retention, X-Ray, async DLQ, reserved concurrency) and one role per function that starts empty:
 * callers add exactly the grants each function needs.
 */
export class Functions extends Construct {
  readonly all: NodejsFunction[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: FunctionsProps,
  ) {
    super(scope, id);
  }

  add(id: string, fn: PipelineFunctionProps): NodejsFunction {
    const { props } = this;
    // Not retained: a failed first deploy must leave nothing behind that blocks the retry.
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: props.logRetention,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A bare role instead of AWSLambdaBasicExecutionRole: logs go to this one group only.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${fn.serviceName}`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    const func = new NodejsFunction(this, id, {
      entry: path.join(props.projectRoot, 'functions', fn.entryDir, 'index.ts'),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      description: fn.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: fn.memorySize,
      timeout: fn.timeout,
      role,
      logGroup,
      tracing: Tracing.ACTIVE,
      deadLetterQueue: props.asyncDeadLetterQueue,
      reservedConcurrentExecutions: props.reservedConcurrency ? fn.reservedConcurrentExecutions : undefined,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: fn.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'ClinicPipe',
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...fn.environment,
      },
      bundling: {
        // Local esbuild only: no Docker on build machines or CI.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        // Minified class names would turn `ConfigError` into `Ke`: the state machine's no-retry rule matches
        // the error name, so names must survive bundling.
        keepNames: true,
        sourceMap: true,
        // Bundle the SDK too: pins the version we test against instead of the runtime's copy.
        externalModules: [],
        mainFields: ['module', 'main'],
        // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });

    grantKeyViaSqs(role, props.key);
    acknowledgeServiceRole(role);
    Validations.of(func).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22, the runtime the code is built and tested for (esbuild target node22); moving to a newer runtime is a tested change, not a silent default.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords (added by tracing: ACTIVE) support no resource-level permissions.',
    });
    if (!props.reservedConcurrency) {
      Validations.of(func).acknowledge({
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          'Reserved concurrency is off unless the deployer turns it on (context reservedConcurrency=true): a new account has a quota of 10 and Lambda keeps 10 unreserved, so any reservation fails there.',
      });
    }
    Validations.of(func).acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason:
        'The function only calls public SaaS APIs (Cliniko, Welkin) and AWS APIs over TLS; it reaches no private resource, so a VPC would add NAT cost without narrowing access.',
    });
    this.all.push(func);
    return func;
  }
}

/** The CDK-generated `DefaultPolicy` of a role this stack creates for one service. */
export function acknowledgeServiceRole(role: IConstruct): void {
  Validations.of(role).acknowledge({
    id: 'HIPAA.Security-IAMNoInlinePolicy',
    reason:
      'The AWS::IAM::Policy here is the CDK-generated policy of a single service role created and deleted with this stack; it is attached to no user or group and holds only resource-scoped grants.',
  });
}
