import { createContext, useContext } from 'react';

import type { Me } from '../auth/api';

export interface ChatContextValue {
  me: Me;
  /** The room on screen, if any. */
  activeRoomId: string | null;
  openCreateRoom(): void;
  openNewMessage(): void;
}

export const ChatContext = createContext<ChatContextValue | null>(null);

export function useChat(): ChatContextValue {
  const value = useContext(ChatContext);
  if (!value) throw new Error('useChat must be used inside <ChatLayout>');
  return value;
}
