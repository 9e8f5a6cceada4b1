import { describe, expect, it } from 'vitest';

import { ApiError } from '../../api/errors';
import { refusalOf, slowModeLabel, waitMessage } from './limits';

describe('send refusals', () => {
  it('reads a 429 as a refusal with its limit and wait', () => {
    const error = new ApiError({ status: 429, code: 'RATE_LIMITED', message: 'x', retryAfterSeconds: 4, limit: 'slow_mode' });
    expect(refusalOf(error)).toEqual({ limit: 'slow_mode', seconds: 4 });
  });

  it('treats any other failure as a failure, not a refusal', () => {
    expect(refusalOf(new ApiError({ status: 500, code: 'INTERNAL_ERROR', message: 'x' }))).toBeNull();
    expect(refusalOf(new Error('offline'))).toBeNull();
  });

  it('says which wait it is', () => {
    expect(waitMessage('chat_message', 3)).toBe('You are sending messages too fast — wait 3 s');
    expect(waitMessage('slow_mode', 12)).toBe('Slow mode is on — wait 12 s');
  });

  it('names the slow mode choices', () => {
    expect([0, 5, 60, 300, 3600].map(slowModeLabel)).toEqual(['Off', '5 seconds', '1 minute', '5 minutes', '1 hour']);
  });
});
