import { describe, expect, it } from 'vitest';

import { formatRelative } from './format';

describe('formatRelative', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');

  it('says just now for the last few seconds', () => {
    expect(formatRelative('2025-06-01T11:59:30Z', now, 'en')).toBe('just now');
  });

  it('picks the largest whole unit', () => {
    expect(formatRelative('2025-06-01T11:55:00Z', now, 'en')).toBe('5 minutes ago');
    expect(formatRelative('2025-06-01T09:00:00Z', now, 'en')).toBe('3 hours ago');
    expect(formatRelative('2025-05-31T12:00:00Z', now, 'en')).toBe('yesterday');
    expect(formatRelative('2025-07-01T12:00:00Z', now, 'en')).toBe('next month');
  });

  it('is empty for a value that is not a date', () => {
    expect(formatRelative('not a date', now, 'en')).toBe('');
  });
});
