import { exportHandler } from '../../shared/lambda/export-handler.js';
import { welkinV1Source } from '../../shared/welkin-v1/source.js';

export const handler = exportHandler(welkinV1Source);
