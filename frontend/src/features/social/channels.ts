// A sanctum's channels (its rooms besides the main room): listed for members, made and ordered by
// owners and moderators, who may also delete one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '../../api/client';
import type { components } from '../../api/generated/schema';
import { chatKeys } from '../chat/api';

export type Channel = components['schemas']['ChannelRead'];

const channelsKey = (slug: string) => ['sanctums', 'channels', slug] as const;

export function useChannels(slug: string, enabled: boolean) {
  return useQuery({
    queryKey: channelsKey(slug),
    enabled,
    queryFn: () => unwrap(api.client.GET('/api/sanctums/{slug}/channels', { params: { path: { slug } } })).then((r) => r.items),
  });
}

export function useChannelActions(slug: string) {
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: channelsKey(slug) });
    void queryClient.invalidateQueries({ queryKey: chatKeys.myRooms });
  };
  const create = useMutation({
    mutationFn: (body: { name: string; topic: string }) =>
      unwrap(api.client.POST('/api/sanctums/{slug}/channels', { params: { path: { slug } }, body })),
    onSuccess: refresh,
  });
  const order = useMutation({
    mutationFn: (roomIds: string[]) =>
      unwrap(api.client.PUT('/api/sanctums/{slug}/channels/order', { params: { path: { slug } }, body: { room_ids: roomIds } })),
    onSuccess: (list) => {
      queryClient.setQueryData(channelsKey(slug), list.items);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (roomId: string) =>
      unwrap(api.client.DELETE('/api/sanctums/{slug}/channels/{room_id}', { params: { path: { slug, room_id: roomId } } })),
    onSuccess: refresh,
  });
  return { create, order, remove };
}

/** The ids in order with the one at `index` moved by `step` (-1 up, +1 down); unchanged at the ends. */
export function moved(ids: readonly string[], index: number, step: -1 | 1): string[] {
  const target = index + step;
  if (index < 0 || target < 0 || target >= ids.length) return ids.slice();
  const copy = ids.slice();
  [copy[index], copy[target]] = [copy[target] as string, copy[index] as string];
  return copy;
}
