import { clinikoSource } from '../../shared/cliniko/source.js';
import { exportHandler } from '../../shared/lambda/export-handler.js';

export const handler = exportHandler(clinikoSource);
