/** Page envelopes of the V8 API, built as text so record bodies (with raw big integers) are kept verbatim. */

export interface PageRequest {
  page: number;
  size: number;
  total: number;
  /** JSON texts of the records on this page. */
  items: string[];
}

/** Spring Data page (patients, calendar events): `page` from 0, `size`, `sort=field,dir`. */
export function springPage(
  p: PageRequest,
  sort: { field: string; direction: 'ASC' | 'DESC' } | undefined,
): string {
  const totalPages = p.size > 0 ? Math.ceil(p.total / p.size) : 0;
  const sortInfo = { empty: !sort, sorted: !!sort, unsorted: !sort };
  const meta = {
    pageable: {
      sort: sortInfo,
      offset: p.page * p.size,
      pageNumber: p.page,
      pageSize: p.size,
      paged: true,
      unpaged: false,
    },
    first: p.page === 0,
    last: p.page >= totalPages - 1,
    number: p.page,
    size: p.size,
    totalPages,
    totalElements: p.total,
    numberOfElements: p.items.length,
    sort: sortInfo,
    empty: p.items.length === 0,
  };
  return `{"content":[${p.items.join(',')}],${JSON.stringify(meta).slice(1)}`;
}

/** `{data, metaInfo}` page (encounters, admin users, programs): `page` from 0, `pageSize`. */
export function metaInfoPage(p: PageRequest): string {
  const totalPages = p.size > 0 ? Math.ceil(p.total / p.size) : 0;
  const metaInfo = {
    page: p.page,
    pageSize: p.size,
    totalElements: p.total,
    numberOfElements: p.items.length,
    totalPages,
    firstPage: p.page === 0,
    lastPage: p.page >= totalPages - 1,
  };
  return `{"data":[${p.items.join(',')}],"metaInfo":${JSON.stringify(metaInfo)}}`;
}

/** `{data, cursor}` page of the Export API. */
export function exportPage(
  items: string[],
  cursor: { start: string | null; end: string | null; pageSize: number; hasNext: boolean },
): string {
  return `{"data":[${items.join(',')}],"cursor":${JSON.stringify(cursor)}}`;
}
