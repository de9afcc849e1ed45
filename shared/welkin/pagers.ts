import type { ResourcePager } from '../export/pager.js';
import { ArrayPager } from './array-pager.js';
import type { WelkinClient } from './client.js';
import { ExportCursorPager } from './export-pager.js';
import { ListPager, META_INFO_PAGE } from './list-pager.js';
import type { WelkinResource } from './resources.js';

export function pagerFor(client: WelkinClient, resource: WelkinResource): ResourcePager {
  if (resource.paging === 'export') return new ExportCursorPager(client, resource.upstream);
  const path =
    resource.scope === 'tenant'
      ? client.tenantPath(resource.upstream)
      : client.instancePath(resource.upstream);
  if (resource.paging === 'array') return new ArrayPager(client, path, resource.key);
  return new ListPager(client, path, META_INFO_PAGE);
}
