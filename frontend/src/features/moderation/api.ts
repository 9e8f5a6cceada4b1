// The moderation API: pins, mutes, bans, roles and the audit log. The server decides every action;
// the screens only show the controls `my_permissions` says it would allow.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';
import { chatKeys } from '../chat/api';

export type Pin = components['schemas']['PinRead'];
export type RoleRead = components['schemas']['RoleRead'];
export type RoleList = components['schemas']['RoleList'];
export type AuditEntry = components['schemas']['AuditEntryRead'];
export type Permission = RoleRead['permissions'][number];
export type Ban = components['schemas']['BanRead'];

export const moderationKeys = {
  pins: (roomId: string) => ['moderation', 'pins', roomId] as const,
  roles: (slug: string) => ['moderation', 'roles', slug] as const,
  audit: (sanctum: string | null, filter: AuditFilter = {}) => ['moderation', 'audit', sanctum ?? '', filter] as const,
  bans: (slug: string) => ['moderation', 'bans', slug] as const,
};

/** Whether `my_permissions` of a room or sanctum detail includes `permission`. */
export function can(permissions: readonly string[] | undefined, permission: Permission): boolean {
  return (permissions ?? []).includes(permission);
}

export function usePins(roomId: string, enabled: boolean) {
  return useQuery({
    queryKey: moderationKeys.pins(roomId),
    queryFn: () => unwrap(api.client.GET('/api/rooms/{room_id}/pins', { params: { path: { room_id: roomId } } })).then((r) => r.items),
    enabled,
  });
}

export function usePinActions(roomId: string) {
  const queryClient = useQueryClient();
  const settle = (items: Pin[]) => {
    queryClient.setQueryData(moderationKeys.pins(roomId), items);
    void queryClient.invalidateQueries({ queryKey: chatKeys.room(roomId) });
  };
  return useMutation({
    mutationFn: ({ messageId, pinned }: { messageId: number; pinned: boolean }) => {
      const params = { params: { path: { room_id: roomId, message_id: messageId } } };
      return unwrap(
        pinned
          ? api.client.POST('/api/rooms/{room_id}/messages/{message_id}/pin', params)
          : api.client.DELETE('/api/rooms/{room_id}/messages/{message_id}/pin', params),
      ).then((r) => r.items);
    },
    onSuccess: settle,
  });
}

export function muteInRoom(roomId: string, userId: string, seconds: number | null) {
  const path = { params: { path: { room_id: roomId, user_id: userId } } };
  return unwrap(
    seconds === null
      ? api.client.DELETE('/api/rooms/{room_id}/mutes/{user_id}', path)
      : api.client.POST('/api/rooms/{room_id}/mutes/{user_id}', { ...path, body: { duration_seconds: seconds, reason: '' } }),
  );
}

export function banFromSanctum(slug: string, userId: string, reason: string) {
  return unwrap(
    api.client.POST('/api/sanctums/{slug}/bans/{user_id}', { params: { path: { slug, user_id: userId } }, body: { reason } }),
  );
}

/** The sanctum's bans, for whoever holds `user.ban` there. */
export function useBans(slug: string) {
  return useQuery({
    queryKey: moderationKeys.bans(slug),
    queryFn: () => unwrap(api.client.GET('/api/sanctums/{slug}/bans', { params: { path: { slug } } })).then((r) => r.items),
  });
}

export function useUnban(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(api.client.DELETE('/api/sanctums/{slug}/bans/{user_id}', { params: { path: { slug, user_id: userId } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: moderationKeys.bans(slug) }),
  });
}

export function useRoles(slug: string, enabled = true) {
  return useQuery({
    queryKey: moderationKeys.roles(slug),
    queryFn: () => unwrap(api.client.GET('/api/sanctums/{slug}/roles', { params: { path: { slug } } })),
    enabled,
  });
}

export function useRoleActions(slug: string) {
  const queryClient = useQueryClient();
  const onSuccess = () => {
    void queryClient.invalidateQueries({ queryKey: moderationKeys.roles(slug) });
    void queryClient.invalidateQueries({ queryKey: ['sanctums'] });
  };
  const create = useMutation({
    mutationFn: (body: { name: string; permissions: Permission[] }) =>
      unwrap(api.client.POST('/api/sanctums/{slug}/roles', { params: { path: { slug } }, body })),
    onSuccess,
  });
  const remove = useMutation({
    mutationFn: (name: string) => unwrap(api.client.DELETE('/api/sanctums/{slug}/roles/{name}', { params: { path: { slug, name } } })),
    onSuccess,
  });
  return { create, remove };
}

/** What the audit log screen narrows to: one action, and rows since the start of a day (YYYY-MM-DD, local). */
export interface AuditFilter {
  action?: string;
  since?: string;
}

/** The audit log, newest first, a page at a time (`sanctum` null: site-wide, for site staff). */
export function useAudit(sanctum: string | null, filter: AuditFilter = {}) {
  return useInfiniteQuery({
    queryKey: moderationKeys.audit(sanctum, filter),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.client.GET('/api/audit', {
          params: {
            query: {
              sanctum: sanctum ?? undefined,
              action: filter.action,
              since: filter.since ? new Date(`${filter.since}T00:00:00`).toISOString() : undefined,
              cursor: pageParam ?? undefined,
              limit: 50,
            },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}
