/** Query parameters whose values are paging/sorting mechanics, never PHI or credentials. */
const SAFE_PARAMS = new Set(['page', 'per_page', 'pageSize', 'size', 'sort', 'order', 'start']);

/** Filters on ids and timestamps are paging mechanics too; any other filter value may be a name or email. */
const SAFE_FILTER =
  /^(id|created_at|updated_at|archived_at|cancelled_at|deleted_at):[<>=!?*]{0,2}[\dTZ:.,-]*$/;

/**
 * A URL safe to log: no userinfo, and query values replaced unless known to be harmless. Filter values can
 * hold names or emails, so they go.
 */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return '<invalid url>';
  }
  url.username = '';
  url.password = '';
  // A fragment would otherwise land before the rebuilt query, and it is never needed in a log line.
  url.hash = '';
  const params = [...url.searchParams.entries()].map(([key, value]) =>
    SAFE_PARAMS.has(key) || (key.startsWith('q') && SAFE_FILTER.test(value))
      ? `${key}=${value}`
      : `${key}=<redacted>`,
  );
  url.search = '';
  return params.length ? `${url.toString()}?${params.join('&')}` : url.toString();
}
