import { clinikoSource } from '../cliniko/source.js';
import { welkinSource } from '../welkin/source.js';
import { welkinV1Source } from '../welkin-v1/source.js';
import type { SourceModule } from './source-module.js';

/** Every source this product exports, one line each. The CLI, demo, bench and stack read this list. */
export const SOURCES: readonly SourceModule[] = [clinikoSource, welkinSource, welkinV1Source];

export function sourceNamed(name: string): SourceModule | undefined {
  return SOURCES.find((source) => source.name === name);
}
