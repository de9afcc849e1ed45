/**
 * What the stack needs to deploy one source, as plain data: no CDK and no AWS SDK import, so a source folder
 * can describe its deployment next to its code and the stack builds every source from the same shape
 * (infra/constructs/source-construct.ts). Names here are the contract between a source's handlers and the
 * stack: an env var named in `secrets` is the one the handler reads the secret's ARN from.
 */

/** A Glue/Athena column: the record's JSON key (the table lowercases it), string unless typed. */
export interface ColumnDeployment {
  readonly name: string;
  readonly type?: string;
}

export interface ResourceDeployment {
  readonly name: string;
  /** Table columns; the source's `defaultColumns` when absent. */
  readonly columns?: readonly ColumnDeployment[];
}

/**
 * A Secrets Manager secret the source reads. Created with a placeholder value (operators put the real one
 * after deploy) or with a generated random value. Never given a fixed name: a failed first deploy can be retried.
 */
export interface SecretDeployment {
  /** Construct id and the key functions refer to it by, e.g. `credentials`. */
  readonly id: string;
  readonly description: string;
  /** JSON shape with empty values (documents the expected fields, carries no credential). */
  readonly placeholder?: Readonly<Record<string, string>>;
  /** A random value of this length instead of a placeholder (e.g. a webhook signing secret). */
  readonly generatedLength?: number;
  /** Why the secret has no rotation Lambda (acknowledged in cdk-nag). */
  readonly noRotationReason: string;
  /** One secret per configured account (Cliniko API keys); the env var then holds a JSON map account -> ARN. */
  readonly perAccount?: boolean;
}

/** A function's access to one secret: its ARN in `env`; `write` for token caches the function renews. */
export interface SecretAccess {
  readonly secret: string;
  readonly env: string;
  readonly write?: boolean;
}

export interface FunctionDeployment {
  /** Folder under functions/ holding index.ts. */
  readonly entryDir: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Reserved concurrency when the deployer turns reservation on (context reservedConcurrency=true). */
  readonly reservedConcurrency: number;
  readonly secrets: readonly SecretAccess[];
  /**
   * Prefixes below the output prefix the function reads and writes (no slashes at the ends). `{account}`
   * stands for each configured account's folder (`account=<name>`).
   */
  readonly prefixes: readonly string[];
  /** Fixed environment besides the stack's OUTPUT_* and the secrets' ARNs. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Env vars taken from the source's deploy settings: env var name -> setting name (see `settings`). */
  readonly settingsEnvironment?: Readonly<Record<string, string>>;
}

/** Deploy-time settings a source's environment may depend on (from CDK context). */
export interface DeploySettings {
  /** Parallel resources per execution (the state machine's Map concurrency). */
  readonly mapConcurrency: number;
  /** The HTTP User-Agent the deployer configured (contact address included). */
  readonly userAgent: string;
  /** Number of configured accounts (1 for sources without accounts). */
  readonly accountCount: number;
  /** The upstream's request limit per minute when the deployer overrides the source's documented one. */
  readonly requestsPerMinute?: number;
  /** The source's own deploy settings (see `SourceDeployment.settings`); absent ones are missing. */
  readonly values: Readonly<Record<string, string | undefined>>;
}

export interface WebhookDeployment {
  /** The public receiver behind a Function URL: authenticates, stores, queues. */
  readonly receiver: FunctionDeployment;
  /** Drains the queue: pulls the changed records. */
  readonly worker: FunctionDeployment;
  /** Env var the receiver reads the queue URL from. */
  readonly queueUrlEnv: string;
  /** How Welkin authenticates to the receiver, for the stack output's description. */
  readonly authentication: string;
  /** Tables over the webhook output (notices and pulled changes), below the output prefix. */
  readonly tables: readonly WebhookTableDeployment[];
}

export interface WebhookTableDeployment {
  readonly name: string;
  readonly description: string;
  /** Folder below the output prefix holding `dt=` folders, or `<entity>/dt=` ones when `entities` is set. */
  readonly folder: string;
  readonly entities?: readonly string[];
  readonly columns: readonly ColumnDeployment[];
  readonly compressed: boolean;
}

export interface SourceDeployment {
  /** Folder name under the output prefix and the first part of table names (`-` becomes `_`). */
  readonly source: string;
  /** Human name for descriptions. */
  readonly title: string;
  /** Cliniko: several accounts, each its own API key, schedule and `account=<name>/` folder. */
  readonly perAccount: boolean;
  readonly resources: readonly ResourceDeployment[];
  readonly defaultColumns: readonly ColumnDeployment[];
  readonly secrets: readonly SecretDeployment[];
  readonly exportFunction: FunctionDeployment;
  /** Environment of the export function that depends on deploy settings (rate budgets, User-Agent). */
  readonly exportEnvironment?: (settings: DeploySettings) => Record<string, string>;
  /** Default schedules (EventBridge Scheduler expressions), overridable per deployment. */
  readonly schedules: {
    readonly incremental: string;
    /** Full snapshots (deletions are detected only by full runs); weekly by default. */
    readonly full: string;
    readonly timezone: string;
  };
  readonly defaultMapConcurrency: number;
  readonly webhook?: WebhookDeployment;
  /**
   * Deploy settings the source needs from the deployer (CDK context `sources.<source>.settings`), by name,
   * with what each means: `cdk deploy` refuses while one is missing; `cdk synth` leaves them out.
   */
  readonly settings?: Readonly<Record<string, string>>;
}

/** Glue/Athena-safe name part: `welkin-v1` becomes `welkin_v1`. */
export function tableSafe(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
