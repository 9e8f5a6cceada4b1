// A click on a push notification, with a tab of the app open: the service worker focuses the tab and
// posts the path to open; the app routes to it without a reload.
import { useEffect } from 'react';
import { useNavigate } from 'react-router';

export function useServiceWorkerNavigation() {
  const navigate = useNavigate();
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    function onMessage(event: MessageEvent) {
      const data = event.data as { type?: unknown; url?: unknown } | null;
      if (data && data.type === 'sanctum.navigate' && typeof data.url === 'string' && data.url.startsWith('/')) {
        void navigate(data.url);
      }
    }
    navigator.serviceWorker.addEventListener('message', onMessage);
    return () => navigator.serviceWorker.removeEventListener('message', onMessage);
  }, [navigate]);
}

export function PushNavigation() {
  useServiceWorkerNavigation();
  return null;
}
