import { describe, expect, it } from 'vitest';
import { InvalidEventError, parseExportEvent } from '../../shared/lambda/export-event.js';

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
    const request = parseExportEvent(input);

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
    const request = parseExportEvent({ checkpoint });

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
});
