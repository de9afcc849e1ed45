import type { JsonValue } from './json-body.js';

/** `/v1/settings` is a single object, not a list. */
export function settingsObject(baseUrl: string): JsonValue {
  return {
    account: {
      country: 'Australia',
      currency: 'AUD',
      time_zone: 'Australia/Melbourne',
      name: 'Café Physio & Co',
    },
    appointments: { default_duration_in_minutes: 30, show_cancelled: false },
    invoices: { default_due_days: 14, tax_inclusive: true },
    links: { self: `${baseUrl}/settings` },
  };
}
