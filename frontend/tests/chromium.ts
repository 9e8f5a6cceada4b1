// Browser downloads are not possible here: every browser test drives Debian's Chromium, started so.
// playwright.config.ts uses these as they are; tests/media.ts adds fake media devices to them.
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
