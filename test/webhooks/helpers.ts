import { randomUUID } from 'node:crypto';

export const TENANT = 'sim-tenant';
export const INSTANCE = 'sim-instance';
export const SECRET = 'test-webhook-secret-0123456789';

/** A notice shaped like Welkin's, with the 2025 initiatedBy* fields. */
export function makeNotice(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const sourceId = randomUUID();
  return {
    sourceId,
    sourceName: 'PATIENT',
    patientId: sourceId,
    tenantName: TENANT,
    instanceName: INSTANCE,
    eventEntity: 'PATIENT',
    eventSubtype: 'PATIENT_UPDATED',
    url: null,
    initiatedBy: 'USER',
    initiatedByName: 'Test User',
    initiatedByObjectId: randomUUID(),
    initiatedByObjectType: 'USER',
    initiatedTime: new Date().toISOString(),
    ...overrides,
  };
}

export async function post(
  url: string,
  body: string,
  headers: Record<string, string> = { 'x-webhook-secret': SECRET },
  method = 'POST',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export { mapBounded } from '../../shared/webhooks/map-bounded.js';
