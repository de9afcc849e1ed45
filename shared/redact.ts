/** Query parameters whose values are paging/sorting mechanics, never PHI or credentials. */
const SAFE_PARAMS = new Set(['page', 'per_page', 'pageSize', 'size', 'sort', 'order', 'start']);

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
  const params = [...url.searchParams.entries()].map(([key, value]) =>
    SAFE_PARAMS.has(key) ? `${key}=${value}` : `${key}=<redacted>`,
  );
  url.search = '';
  return params.length ? `${url.toString()}?${params.join('&')}` : url.toString();
}
