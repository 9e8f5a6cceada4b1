import { chromiumArgs, chromiumPath } from './chromium';

// Chromium (tests/chromium.ts) with a fake camera (a moving test pattern, 640x480), microphone (a beeping tone) and
// screen (1280x720): the media permission prompts and the screen picker answer themselves.
export const fakeMedia = {
  launchOptions: {
    executablePath: chromiumPath,
    args: [
      ...chromiumArgs,
      '--use-fake-device-for-media-stream',
      // Also picks the fake screen for getDisplayMedia, with no picker.
      '--use-fake-ui-for-media-stream',
      // Host candidates as plain addresses: mDNS names do not resolve in a container.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  },
};
