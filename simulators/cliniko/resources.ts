import { CLINIKO_RESOURCES } from '../../shared/cliniko/resources.js';

/** `/practitioners/inactive` -> `practitioners`: sub-paths are views of the list they hang off. */
const listOf = (path: string): string => path.split('/')[1] ?? path;

/**
 * The Cliniko lists the simulator serves: every list of the exporter's table (so a resource stays one line
 * there). The simulator answers `/{name}` with `{"{name}": [...]}` as Cliniko does, so a resource whose list
 * key does not follow that rule fails the every-resource export test.
 */
export const LIST_RESOURCES: readonly string[] = [
  ...new Set(CLINIKO_RESOURCES.filter((resource) => resource.paging !== 'single').map((r) => listOf(r.path))),
];

/** Index routes hide cancelled rows of these unless the request filters on cancelled_at. */
export const CANCELLABLE: ReadonlySet<string> = new Set(
  CLINIKO_RESOURCES.filter((resource) => resource.reveal?.includes('cancelled_at')).map((r) =>
    listOf(r.path),
  ),
);

/** Resources whose rows carry an `active` flag that splits `/practitioners` from `/practitioners/inactive`. */
export const HAS_ACTIVE_FLAG: ReadonlySet<string> = new Set(['practitioners', 'users']);

export function isListResource(name: string): boolean {
  return LIST_RESOURCES.includes(name);
}
