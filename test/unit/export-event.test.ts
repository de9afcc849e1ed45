import { describe, expect, it } from 'vitest';
import {
  type ExportRequest,
  InvalidEventError,
  isCheckRequest,
  isDiscardRequest,
  parseExportEvent,
} from '../../shared/lambda/export-event.js';

const SCHEDULED = {
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-01-01T02:00:00Z',
  region: 'ap-southeast-2',
  resources: ['arn:aws:events:ap-southeast-2:123456789012:rule/nightly'],
  detail: {},
};

function invalid(event: unknown): InvalidEventError {
  try {
    parseExportEvent(event);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return error as InvalidEventError;
  }
  throw new Error('expected InvalidEventError');
}

const SHA = 'a'.repeat(64);
const ABANDONED = {
  source: 'cliniko',
  mode: 'full',
  pending: [
    {
      resource: 'patients',
      checkpoint: {
        resource: 'patients',
        runId: '20260101T020000Z-abc123',
        mode: 'full',
        startedAt: '2026-01-01T02:00:00.000Z',
        until: '2026-01-01T02:00:00.000Z',
        cursor: 'c1',
        nextPartIndex: 1,
        recordCount: 10,
        files: [{ path: 'part-00000.ndjson.gz', recordCount: 10, bytes: 100, sha256: SHA }],
      },
    },
  ],
  results: [],
};

/** Parses an event that must be an export request (not a discard). */
function exportRequest(event: unknown): ExportRequest {
  const request = parseExportEvent(event);
  if (isDiscardRequest(request) || isCheckRequest(request)) throw new Error('expected an export request');
  return request;
}

describe('parseExportEvent', () => {
  it('turns an EventBridge scheduled event into an incremental run of everything', () => {
    // Prepare
    const event = SCHEDULED;

    // Act
    const request = parseExportEvent(event);

    // Assess
    expect(request).toEqual({ mode: 'incremental' });
  });

  it('passes an on-demand request through', () => {
    // Prepare
    const event = { account: 'clinic_2', resources: ['patients', 'invoices'], mode: 'full' };

    // Act
    const request = parseExportEvent(event);

    // Assess
    expect(request).toEqual({
      account: 'clinic_2',
      resources: ['patients', 'invoices'],
      mode: 'full',
      checkpoint: undefined,
    });
  });

  it.each([undefined, null, {}])('treats %j as an incremental run of everything', (event) => {
    // Prepare
    const input = event;

    // Act
    const request = exportRequest(input);

    // Assess
    expect(request.mode).toBe('incremental');
    expect(request.resources).toBeUndefined();
    expect(request.account).toBeUndefined();
  });

  it('keeps a checkpoint handed back by the previous invocation', () => {
    // Prepare
    const checkpoint = {
      source: 'cliniko',
      mode: 'full',
      pending: [{ resource: 'patients' }],
      results: [],
    };

    // Act
    const request = exportRequest({ checkpoint });

    // Assess
    expect(request.checkpoint).toEqual(checkpoint);
  });

  it.each([
    [{ mode: 'weekly' }, /^invalid event: mode: /],
    [{ resources: [] }, /^invalid event: resources: /],
    [{ account: '../other' }, /^invalid event: account: /],
    [{ resources: 'patients' }, /^invalid event: resources: /],
    [{ surprise: true }, /^invalid event: \(root\): Unrecognized key: "surprise"/],
    ['patients', /^invalid event: \(root\): /],
    [{ 'detail-type': 'Scheduled Event' }, /^invalid event: source: /],
    [{ checkpoint: { source: 'cliniko' } }, /^invalid event: checkpoint\.(mode|pending|results): /],
  ])('rejects %j with a one-line message naming the field', (event, message) => {
    // Prepare
    const input = event;

    // Act
    const error = invalid(input);

    // Assess
    expect(error.message).toMatch(message);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('reads a discard event as a discard request carrying the checkpoint', () => {
    // Prepare
    const event = { account: 'east', discard: ABANDONED };

    // Act
    const request = parseExportEvent(event);

    // Assess
    expect(isDiscardRequest(request)).toBe(true);
    expect(request).toEqual({ account: 'east', discard: ABANDONED });
  });

  it('reads a discard event without an account', () => {
    // Prepare
    const event = { discard: ABANDONED };

    // Act
    const request = parseExportEvent(event);

    // Assess
    expect(request).toEqual({ account: undefined, discard: ABANDONED });
  });

  it.each([
    [{ discard: ABANDONED, mode: 'full' }, /^invalid event: \(root\): Unrecognized key: "mode"/],
    [
      { discard: ABANDONED, resources: ['patients'] },
      /^invalid event: \(root\): Unrecognized key: "resources"/,
    ],
    [
      { discard: ABANDONED, checkpoint: ABANDONED },
      /^invalid event: \(root\): Unrecognized key: "checkpoint"/,
    ],
    [{ discard: ABANDONED, account: '../other' }, /^invalid event: account: /],
    [{ discard: { source: 'cliniko' } }, /^invalid event: discard\.(mode|pending|results): /],
    [{ discard: null }, /^invalid event: discard: /],
  ])('rejects the discard event %j', (event, message) => {
    // Prepare
    const input = event;

    // Act
    const error = invalid(input);

    // Assess
    expect(error.message).toMatch(message);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('reads {"check": true} as a check request, with an account and resources when given', () => {
    // Prepare
    const events = [{ check: true }, { check: true, account: 'east', resources: ['settings'] }];

    // Act
    const requests = events.map(parseExportEvent);

    // Assess
    expect(requests.every(isCheckRequest)).toBe(true);
    expect(requests).toEqual([
      { account: undefined, check: true, resources: undefined },
      { account: 'east', check: true, resources: ['settings'] },
    ]);
  });

  it.each([
    [{ check: false }, /^invalid event: check: /],
    [{ check: 'yes' }, /^invalid event: check: /],
    [{ check: true, mode: 'full' }, /^invalid event: \(root\): Unrecognized key: "mode"/],
    [{ check: true, resources: [] }, /^invalid event: resources: /],
  ])('rejects the check event %j', (event, message) => {
    // Act
    const error = invalid(event);

    // Assess
    expect(error.message).toMatch(message);
  });
});
