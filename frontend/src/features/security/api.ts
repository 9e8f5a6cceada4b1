import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';
import { meQueryKey, type TokenPair } from '../auth/api';
import { createPasskey, getPasskey } from './webauthn';

export type SecurityStatus = components['schemas']['SecurityStatus'];
export type TotpEnrolment = components['schemas']['TotpEnrolment'];
export type Passkey = components['schemas']['PasskeyRead'];
type SecondFactorMethod = components['schemas']['SecondFactor']['method'];

export const securityQueryKey = ['security'] as const;

export function useSecurity() {
  return useQuery({
    queryKey: securityQueryKey,
    queryFn: () => unwrap(api.client.GET('/api/auth/security')),
    staleTime: 0,
  });
}

/** A mutation that refreshes the security overview (and the account) once it succeeded. */
function useSecurityMutation<A, R>(run: (args: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: securityQueryKey });
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}

export const useResendVerification = () =>
  useSecurityMutation(() => unwrap(api.client.POST('/api/auth/email/resend')));

export const useChangeEmail = () =>
  useSecurityMutation((body: { new_email: string; password: string }) =>
    unwrap(api.client.POST('/api/auth/email/change', { body })),
  );

export const useChangePassword = () =>
  useSecurityMutation((body: { current_password: string; new_password: string }) =>
    unwrap(api.client.POST('/api/auth/password/change', { body })),
  );

export const useEnrolTotp = () => useSecurityMutation(() => unwrap(api.client.POST('/api/auth/totp/enrol')));

export const useConfirmTotp = () =>
  useSecurityMutation((code: string) => unwrap(api.client.POST('/api/auth/totp/confirm', { body: { code } })));

export const useDisableTotp = () =>
  useSecurityMutation((body: { code?: string; password?: string }) =>
    unwrap(api.client.POST('/api/auth/totp/disable', { body })),
  );

export const useRegenerateRecoveryCodes = () =>
  useSecurityMutation((code: string) =>
    unwrap(api.client.POST('/api/auth/totp/recovery-codes', { body: { code } })),
  );

export const useAddPasskey = () =>
  useSecurityMutation(async (name: string) => {
    const { ceremony_token, options } = await unwrap(api.client.POST('/api/auth/passkeys/registration/options'));
    const credential = await createPasskey(options);
    return unwrap(api.client.POST('/api/auth/passkeys', { body: { ceremony_token, credential, name } }));
  });

export const useRemovePasskey = () =>
  useSecurityMutation((id: string) =>
    unwrap(api.client.DELETE('/api/auth/passkeys/{passkey_id}', { params: { path: { passkey_id: id } } })),
  );

// -- public: no session yet -----------------------------------------------------------------------

export function verifyEmail(token: string): Promise<void> {
  return unwrap(api.client.POST('/api/auth/email/verify', { body: { token } }));
}

export function forgotPassword(email: string) {
  return unwrap(api.client.POST('/api/auth/password/forgot', { body: { email } }));
}

export function resetPassword(token: string, new_password: string) {
  return unwrap(api.client.POST('/api/auth/password/reset', { body: { token, new_password } }));
}

/** The second step of a login with a code (TOTP or recovery) or a passkey. */
export async function secondFactor(
  challenge_token: string,
  method: SecondFactorMethod,
  code?: string,
): Promise<TokenPair> {
  const body = { challenge_token, method, refresh_token_delivery: 'cookie' as const };
  if (method !== 'passkey') {
    return unwrap(api.client.POST('/api/auth/login/second-factor', { body: { ...body, code } }));
  }
  const ceremony = await unwrap(api.client.POST('/api/auth/passkeys/login/options', { body: { challenge_token } }));
  const credential = await getPasskey(ceremony.options);
  return unwrap(
    api.client.POST('/api/auth/login/second-factor', {
      body: { ...body, ceremony_token: ceremony.ceremony_token, credential },
    }),
  );
}

/** A passwordless login: the passkey proves the person (it verifies them itself). */
export async function passkeyLogin(): Promise<TokenPair> {
  const ceremony = await unwrap(api.client.POST('/api/auth/passkeys/login/options', { body: {} }));
  const credential = await getPasskey(ceremony.options);
  return unwrap(
    api.client.POST('/api/auth/passkeys/login', {
      body: { ceremony_token: ceremony.ceremony_token, credential, refresh_token_delivery: 'cookie' },
    }),
  );
}

/** The token of an emailed link: it travels in the fragment, which never reaches a server. */
export function tokenFromFragment(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : null;
}
