// Invite links: made and listed by owners and moderators, previewed by anyone holding one, redeemed
// after signing in. The token lives in the link's #fragment and travels only in request bodies.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';
import { chatKeys } from '../chat/api';
import { socialKeys } from '../social/api';

export type Invite = components['schemas']['InviteRead'];
export type InviteCreated = components['schemas']['InviteCreated'];
export type InviteLinkCreate = components['schemas']['InviteLinkCreate'];
export type InvitePreview = components['schemas']['InvitePreview'];
export type InviteRedeemed = components['schemas']['InviteRedeemed'];

/** What a list of links belongs to. */
export type InviteTarget = { kind: 'sanctum'; slug: string } | { kind: 'room'; roomId: string };

const keyOf = (target: InviteTarget) =>
  target.kind === 'sanctum' ? (['invites', 'sanctum', target.slug] as const) : (['invites', 'room', target.roomId] as const);

/** The address of an invite link: the token after `#`, which browsers never send to a server. */
export function inviteUrl(token: string, origin: string = window.location.origin): string {
  return `${origin}/invite#${token}`;
}

/** The token of the link being opened, from `location.hash`; null when there is none. */
export function tokenFromHash(hash: string): string | null {
  const token = hash.replace(/^#/, '');
  return /^[A-Za-z0-9_-]{20,64}$/.test(token) ? token : null;
}

export function useInvites(target: InviteTarget, enabled = true) {
  return useQuery({
    queryKey: keyOf(target),
    enabled,
    queryFn: () =>
      target.kind === 'sanctum'
        ? unwrap(api.client.GET('/api/sanctums/{slug}/invites', { params: { path: { slug: target.slug } } })).then((r) => r.items)
        : unwrap(api.client.GET('/api/rooms/{room_id}/invites', { params: { path: { room_id: target.roomId } } })).then(
            (r) => r.items,
          ),
  });
}

export function useInviteActions(target: InviteTarget) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keyOf(target) });
  const create = useMutation({
    mutationFn: (body: InviteLinkCreate) =>
      target.kind === 'sanctum'
        ? unwrap(api.client.POST('/api/sanctums/{slug}/invites', { params: { path: { slug: target.slug } }, body }))
        : unwrap(api.client.POST('/api/rooms/{room_id}/invites', { params: { path: { room_id: target.roomId } }, body })),
    onSuccess: refresh,
  });
  const revoke = useMutation({
    mutationFn: (inviteId: string) =>
      unwrap(api.client.DELETE('/api/invites/{invite_id}', { params: { path: { invite_id: inviteId } } })),
    onSuccess: refresh,
  });
  return { create, revoke };
}

export function useInvitePreview(token: string | null) {
  return useQuery({
    queryKey: ['invites', 'preview', token] as const,
    enabled: token !== null,
    retry: false,
    queryFn: () => unwrap(api.client.POST('/api/invites/preview', { body: { token: token ?? '' } })),
  });
}

export function useRedeemInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => unwrap(api.client.POST('/api/invites/redeem', { body: { token } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: socialKeys.sanctums });
      void queryClient.invalidateQueries({ queryKey: chatKeys.all });
    },
  });
}

/** Set when a signed-out visitor goes to log in or sign up from a link: join as soon as they are back. */
const AUTOJOIN_KEY = 'sanctum.invite.autojoin';

export function rememberAutojoin(token: string): void {
  try {
    sessionStorage.setItem(AUTOJOIN_KEY, token);
  } catch {
    // Private mode without storage: they press Join themselves.
  }
}

/** True once for the token remembered by `rememberAutojoin`, which it forgets. */
export function takeAutojoin(token: string): boolean {
  try {
    if (sessionStorage.getItem(AUTOJOIN_KEY) !== token) return false;
    sessionStorage.removeItem(AUTOJOIN_KEY);
    return true;
  } catch {
    return false;
  }
}

const REFUSALS: Record<string, string> = {
  INVITE_EXPIRED: 'This invite link has expired. Ask for a new one.',
  INVITE_REVOKED: 'This invite link was revoked. Ask for a new one.',
  INVITE_USED_UP: 'This invite link has been used as many times as it allows. Ask for a new one.',
  INVITE_NOT_FOUND: 'This invite link does not work. Check that you copied all of it.',
  RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
};

export function refusalOf(error: { code?: string; message: string }): string {
  return (error.code && REFUSALS[error.code]) || error.message;
}
