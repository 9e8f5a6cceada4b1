import { afterEach, describe, expect, it, vi } from 'vitest';

import { rms } from './level';
import { LocalMedia, rememberedDevice, type Outlet } from './media';

/** A stand-in track: what LocalMedia reads and changes of a MediaStreamTrack. */
function track(kind: 'audio' | 'video', deviceId: string) {
  const listeners: (() => void)[] = [];
  return {
    kind,
    enabled: true,
    stopped: false,
    getSettings: () => ({ deviceId }),
    stop() {
      this.stopped = true;
    },
    addEventListener: (_: string, f: () => void) => listeners.push(f),
    end: () => listeners.forEach((f) => f()),
  };
}
type Fake = ReturnType<typeof track>;

/** The mesh's side: a local stream's tracks, replaced by kind. */
function outlet(...tracks: Fake[]) {
  let held = [...tracks];
  const sent: Fake[] = [];
  const value: Outlet = {
    local: { getTracks: () => held } as unknown as MediaStream,
    async replace(t) {
      const fake = t as unknown as Fake;
      held = [...held.filter((h) => h.kind !== fake.kind), fake];
      sent.push(fake);
    },
  };
  return { value, sent, held: () => held };
}

function devices(answers: { display?: Fake; user?: Fake }) {
  vi.stubGlobal('navigator', {
    mediaDevices: {
      getDisplayMedia: async () => ({ getVideoTracks: () => [answers.display] }),
      getUserMedia: async () => ({ getTracks: () => [answers.user] }),
    },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('a call tab’s own media', () => {
  it('sends the screen instead of the camera, keeping camera-off, and the camera again when sharing stops', async () => {
    const camera = track('video', 'cam');
    camera.enabled = false; // the camera was off: the screen goes out off too
    const mic = track('audio', 'mic');
    const screen = track('video', 'screen');
    const out = outlet(mic, camera);
    devices({ display: screen });
    const media = new LocalMedia(out.value);

    await media.share(() => undefined);
    expect(media.sharing).toBe(true);
    expect(out.held()).toEqual([mic, screen]);
    expect(screen.enabled).toBe(false);
    expect(media.device('videoinput')).toBe('cam'); // the camera's, even while the screen is sent

    await media.unshare();
    expect(media.sharing).toBe(false);
    expect(out.held()).toEqual([mic, camera]);
    expect(screen.stopped).toBe(true);
    expect(camera.stopped).toBe(false);
  });

  it('goes back to the camera when the browser’s own “stop sharing” ends the screen', async () => {
    const camera = track('video', 'cam');
    const screen = track('video', 'screen');
    const out = outlet(camera);
    devices({ display: screen });
    const media = new LocalMedia(out.value);
    const ended = vi.fn();
    await media.share(ended);
    screen.end();
    await vi.waitFor(() => expect(ended).toHaveBeenCalled());
    expect(out.held()).toEqual([camera]);
  });

  it('switches the microphone, keeps it muted if it was, stops the old one and remembers the pick', async () => {
    const mic = track('audio', 'one');
    mic.enabled = false;
    const next = track('audio', 'two');
    const out = outlet(mic);
    devices({ user: next });
    const media = new LocalMedia(out.value);

    await media.use('audioinput', 'two');
    expect(out.held()).toEqual([next]);
    expect(next.enabled).toBe(false);
    expect(mic.stopped).toBe(true);
    expect(rememberedDevice('audioinput')).toBe('two');
    expect(rememberedDevice('videoinput')).toBeNull();
  });

  it('keeps a camera picked while sharing for when the share ends', async () => {
    const camera = track('video', 'cam');
    const screen = track('video', 'screen');
    const other = track('video', 'cam2');
    const out = outlet(camera);
    const media = new LocalMedia(out.value);
    devices({ display: screen });
    await media.share(() => undefined);
    devices({ user: other });
    await media.use('videoinput', 'cam2');
    expect(out.held()).toEqual([screen]);
    expect(camera.stopped).toBe(true);
    await media.unshare();
    expect(out.held()).toEqual([other]);
  });
});

describe('the speaking level', () => {
  it('is the root mean square of the samples', () => {
    expect(rms(new Float32Array([0, 0, 0, 0]))).toBe(0);
    expect(rms(new Float32Array([0.5, -0.5, 0.5, -0.5]))).toBeCloseTo(0.5);
    expect(rms(new Float32Array([]))).toBe(0);
  });
});
