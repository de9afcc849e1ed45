import { exportHandler } from '../../shared/lambda/export-handler.js';
import { welkinSource } from '../../shared/welkin/source.js';

export const handler = exportHandler(welkinSource);
