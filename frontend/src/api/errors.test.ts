import { describe, expect, it } from 'vitest';

import { formatDateTime } from '../lib/format';
import { formErrors, toApiError } from './errors';

function suspended(details: Record<string, unknown> | null, status = 403) {
  const body = { error: { code: 'ACCOUNT_SUSPENDED', message: 'This account is suspended.', request_id: 'r', details } };
  return toApiError(body, new Response(null, { status }));
}

describe('a suspended account', () => {
  it('keeps the reason and end of the envelope and spells them out', () => {
    const until = '2026-12-14T10:00:00+00:00';
    const error = suspended({ until, reason: 'spamming invite links' });

    expect(error.suspension).toEqual({ reason: 'spamming invite links', until });
    expect(error.userMessage).toBe(`This account is suspended until ${formatDateTime(until)}. Reason: spamming invite links`);
    // The login form shows it above its inputs.
    expect(formErrors(error, ['login', 'password']).message).toBe(error.userMessage);
  });

  it('says "until lifted" without an end, and no reason line without a reason', () => {
    const error = suspended({ until: null, reason: '' });

    expect(error.suspension).toEqual({ reason: null, until: null });
    expect(error.userMessage).toBe('This account is suspended until an admin lifts it.');
  });

  it("keeps the server's message when the refusal does not say when (an access token of a suspended account)", () => {
    const error = suspended(null, 401);

    expect(error.suspension).toBeNull();
    expect(error.userMessage).toBe('This account is suspended.');
  });

  it('reads no suspension into any other error', () => {
    const body = { error: { code: 'MUTED', message: 'You are muted.', request_id: 'r', details: { until: 'x' } } };

    expect(toApiError(body, new Response(null, { status: 403 })).suspension).toBeNull();
  });
});
