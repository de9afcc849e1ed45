import { CLINIKO_DEPLOYMENT } from '../shared/cliniko/deployment.js';
import type { SourceDeployment } from '../shared/sources/deployment.js';
import { WELKIN_DEPLOYMENT } from '../shared/welkin/deployment.js';

/** Every source the stack deploys, in the order of the source registry (shared/sources/registry.ts). */
export const SOURCE_DEPLOYMENTS: readonly SourceDeployment[] = [CLINIKO_DEPLOYMENT, WELKIN_DEPLOYMENT];
