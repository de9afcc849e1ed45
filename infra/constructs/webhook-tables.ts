import type { ColumnSpec } from '../resources.js';
import { type Catalog, enumPartition, projected } from './catalog.js';

/** Folder names the worker writes under `welkin-changes/` (the notice entity, lowercased; aliases included). */
export const WEBHOOK_CHANGE_ENTITIES = [
  'patient',
  'calendar',
  'calendar_event',
  'assessment',
  'assessment_record',
  'cdt',
  'cdt_record',
  'encounter',
] as const;

const NOTICE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'source_id', jsonKey: 'sourceId' },
  { name: 'source_name', jsonKey: 'sourceName' },
  { name: 'patient_id', jsonKey: 'patientId' },
  { name: 'tenant_name', jsonKey: 'tenantName' },
  { name: 'instance_name', jsonKey: 'instanceName' },
  { name: 'event_entity', jsonKey: 'eventEntity' },
  { name: 'event_subtype', jsonKey: 'eventSubtype' },
  { name: 'url' },
  { name: 'initiated_by', jsonKey: 'initiatedBy' },
  { name: 'initiated_time', jsonKey: 'initiatedTime' },
  { name: 'received_at', jsonKey: '_receivedAt' },
  { name: 'dedupe_key', jsonKey: '_dedupeKey' },
];

const CHANGE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id' },
  { name: 'updated_at', jsonKey: 'updatedAt' },
  { name: 'deleted', type: 'boolean', jsonKey: '_deleted' },
  { name: 'deleted_id', jsonKey: '_id' },
  { name: 'pulled_at', jsonKey: '_pulledAt' },
  // The notice the pull answered, as JSON text.
  { name: 'notice', jsonKey: '_notice' },
];

/** Tables over the webhook output: accepted notices, and the records pulled for them. */
export function addWebhookTables(catalog: Catalog, outputPrefix: string): void {
  catalog.addTable({
    name: 'welkin_events',
    description: 'Welkin webhook notices as received (one row per distinct notice)',
    locationTemplate: `${outputPrefix}/welkin-events/dt=${projected('dt')}`,
    partitions: [catalog.dayPartition],
    columns: NOTICE_COLUMNS,
    compressed: false,
  });
  catalog.addTable({
    name: 'welkin_changes',
    description: 'Welkin records pulled after each webhook notice, or deletion markers',
    locationTemplate: `${outputPrefix}/welkin-changes/${projected('entity')}/dt=${projected('dt')}`,
    partitions: [enumPartition('entity', WEBHOOK_CHANGE_ENTITIES), catalog.dayPartition],
    columns: CHANGE_COLUMNS,
    compressed: false,
  });
}
