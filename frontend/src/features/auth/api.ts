import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';

export type Me = components['schemas']['Me'];
export type TokenPair = components['schemas']['TokenPair'];
export type RegisterRequest = components['schemas']['RegisterRequest'];
export type SecondFactorRequired = components['schemas']['SecondFactorRequired'];

export const meQueryKey = ['me'] as const;

/** Signs in; the refresh token comes back as the HttpOnly cookie, never in the body. An account with
 * two-factor answers a challenge for the second step instead of tokens. */
export function login(body: { login: string; password: string }): Promise<TokenPair | SecondFactorRequired> {
  return unwrap(api.client.POST('/api/auth/login', { body: { ...body, refresh_token_delivery: 'cookie' } }));
}

export function register(body: RegisterRequest): Promise<Me> {
  return unwrap(api.client.POST('/api/auth/register', { body }));
}

export function fetchMe(): Promise<Me> {
  return unwrap(api.client.GET('/api/users/me'));
}

export async function logout(): Promise<void> {
  await unwrap(api.client.POST('/api/auth/logout'));
}

export function logoutEverywhere(): Promise<{ revoked: number }> {
  return unwrap(api.client.POST('/api/auth/logout-all'));
}
