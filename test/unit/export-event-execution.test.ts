import { describe, expect, it } from 'vitest';
import { parseExportEvent } from '../../shared/lambda/export-event.js';

describe('the execution an export invocation belongs to (issue 19)', () => {
  it('is taken from the state machine’s request, and a value that is no execution ARN is refused', () => {
    const arn = 'arn:aws:states:ap-southeast-2:123456789012:execution:ClinikoExport:rerun.2026-12-07';
    expect(parseExportEvent({ resources: ['patients'], execution: arn })).toMatchObject({ execution: arn });
    expect(parseExportEvent({ resources: ['patients'] })).toMatchObject({ execution: undefined });
    expect(() => parseExportEvent({ execution: 'nightly-1' })).toThrow(/invalid event: execution/);
  });
});
