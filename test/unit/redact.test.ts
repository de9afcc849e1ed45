import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../shared/redact.js';

describe('redactUrl', () => {
  it('removes userinfo', () => {
    // Prepare
    const url = 'https://apikey:secret-password@api.au1.cliniko.com/v1/patients';

    // Act
    const redacted = redactUrl(url);

    // Assess
    expect(redacted).toBe('https://api.au1.cliniko.com/v1/patients');
    expect(redacted).not.toContain('apikey');
    expect(redacted).not.toContain('secret-password');
  });

  it('redacts filter values and keeps paging and sorting parameters', () => {
    // Prepare
    const url = new URL('https://api.example.com/v1/patients');
    url.searchParams.append('per_page', '100');
    url.searchParams.append('sort', 'id');
    url.searchParams.append('page', '3');
    url.searchParams.append('q[]', 'last_name:=Smith');
    url.searchParams.append('email', 'jane@example.com');

    // Act
    const redacted = redactUrl(url);

    // Assess
    expect(redacted).toBe(
      'https://api.example.com/v1/patients?per_page=100&sort=id&page=3&q[]=<redacted>&email=<redacted>',
    );
    expect(redacted).not.toContain('Smith');
    expect(redacted).not.toContain('jane');
  });

  it('keeps id and timestamp filters readable and redacts any other filter', () => {
    // Prepare
    const url = new URL('https://api.example.com/v1/patients');
    for (const filter of [
      'archived_at:*',
      'id:>123456789012345678901',
      'updated_at:>=2026-01-01T00:00:00Z',
      'email:=jane@example.com',
      'id:>1 OR last_name:=Doe',
    ]) {
      url.searchParams.append('q[]', filter);
    }

    // Act
    const redacted = redactUrl(url);

    // Assess
    expect(redacted).toBe(
      'https://api.example.com/v1/patients?q[]=archived_at:*&q[]=id:>123456789012345678901' +
        '&q[]=updated_at:>=2026-01-01T00:00:00Z&q[]=<redacted>&q[]=<redacted>',
    );
  });

  it('drops a fragment instead of gluing the query after it', () => {
    // Prepare
    const url = 'https://api.example.com/v1/x?page=2&name=Jane#section';

    // Act
    const redacted = redactUrl(url);

    // Assess
    expect(redacted).toBe('https://api.example.com/v1/x?page=2&name=<redacted>');
  });

  it('does not echo text that is not a URL', () => {
    // Prepare
    const notAUrl = 'Jane Doe, 1 Main St';

    // Act
    const redacted = redactUrl(notAUrl);

    // Assess
    expect(redacted).toBe('<invalid url>');
  });
});
