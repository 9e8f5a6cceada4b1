// The service worker (scope "/"): shows Web Push notifications and opens the right screen on click.
// The push body is JSON made by the server (domains/push/schemas.py PushMessage): title, body, url,
// tag, kind. Only same-origin paths are ever opened.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : '' };
  }
  const options = {
    body: typeof data.body === 'string' ? data.body : '',
    tag: typeof data.tag === 'string' ? data.tag : undefined,
    renotify: typeof data.tag === 'string',
    icon: '/favicon.svg',
    data: { url: typeof data.url === 'string' ? data.url : '/notifications' },
  };
  event.waitUntil(self.registration.showNotification(data.title || 'Sanctum', options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === target.origin);
      if (open) {
        await open.focus();
        // The app routes it without a reload (features/push/navigation.ts).
        open.postMessage({ type: 'sanctum.navigate', url: target.pathname + target.search });
        return;
      }
      await self.clients.openWindow(target.href);
    })(),
  );
});
