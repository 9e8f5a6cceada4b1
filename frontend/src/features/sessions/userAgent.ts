export interface DeviceDescription {
  browser: string | null;
  os: string | null;
  kind: 'desktop' | 'mobile' | 'tablet' | 'unknown';
}

const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/[\d.]+/, 'Edge'],
  [/OPR\/[\d.]+|Opera/, 'Opera'],
  [/SamsungBrowser\/[\d.]+/, 'Samsung Internet'],
  [/Firefox\/[\d.]+|FxiOS\/[\d.]+/, 'Firefox'],
  [/HeadlessChrome\/[\d.]+/, 'Headless Chrome'],
  [/Chrome\/[\d.]+|CriOS\/[\d.]+|Chromium\/[\d.]+/, 'Chrome'],
  [/Version\/[\d.]+.*Safari\/[\d.]+/, 'Safari'],
  [/^curl\//, 'curl'],
  [/python-httpx|python-requests|aiohttp/i, 'Python script'],
];

const SYSTEMS: [RegExp, string][] = [
  [/iPad/, 'iPadOS'],
  [/iPhone|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** Enough of a User-Agent to recognise one's own devices: "Firefox on macOS". */
export function describeUserAgent(userAgent: string): DeviceDescription {
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
  const os = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
  let kind: DeviceDescription['kind'] = 'unknown';
  if (/iPad|Tablet/.test(userAgent) || (/Android/.test(userAgent) && !/Mobile/.test(userAgent))) kind = 'tablet';
  else if (/Mobi|iPhone|iPod/.test(userAgent)) kind = 'mobile';
  else if (os) kind = 'desktop';
  return { browser, os, kind };
}

export function deviceLabel(userAgent: string): string {
  const { browser, os } = describeUserAgent(userAgent);
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? 'Unknown device';
}
