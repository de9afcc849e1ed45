import type { SourceDeployment } from '../shared/sources/deployment.js';
import { SOURCES } from '../shared/sources/registry.js';

/** Every source the stack deploys: the module list, each module's own deployment description. */
export const SOURCE_DEPLOYMENTS: readonly SourceDeployment[] = SOURCES.map((source) => source.deployment);
