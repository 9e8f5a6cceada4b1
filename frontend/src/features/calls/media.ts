// The tab's own media in a call: the microphone and camera it sends (the devices picked are
// remembered in localStorage for the next call), and a screen share that stands in for the camera
// while it lasts. Every change swaps a track with RTCRtpSender.replaceTrack: no renegotiation.

export type DeviceKind = 'audioinput' | 'videoinput';

const KEYS: Record<DeviceKind, string> = { audioinput: 'sanctum.calls.microphone', videoinput: 'sanctum.calls.camera' };

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}

export function rememberedDevice(kind: DeviceKind): string | null {
  return storage()?.getItem(KEYS[kind]) ?? null;
}

function remember(kind: DeviceKind, deviceId: string): void {
  try {
    storage()?.setItem(KEYS[kind], deviceId);
  } catch {
    // Private mode or a full quota: the pick lasts this call only.
  }
}

/** The remembered device if there is one ("ideal": a device gone since falls back to the default). */
function wanted(kind: DeviceKind): MediaTrackConstraints | boolean {
  const id = rememberedDevice(kind);
  return id ? { deviceId: { ideal: id } } : true;
}

export async function openMedia(kind: 'voice' | 'video'): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ audio: wanted('audioinput'), video: kind === 'video' && wanted('videoinput') });
}

/** Microphones and cameras (their labels once the page holds a media permission). */
export async function inputDevices(): Promise<MediaDeviceInfo[]> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === 'audioinput' || d.kind === 'videoinput');
}

/** What the call sends through: the mesh's local stream and its senders. */
export interface Outlet {
  readonly local: MediaStream;
  replace(track: MediaStreamTrack): Promise<void>;
}

export class LocalMedia {
  /** The camera, kept while a screen share stands in for it. */
  private camera: MediaStreamTrack | null = null;
  private screen: MediaStreamTrack | null = null;

  constructor(private readonly outlet: Outlet) {}

  get sharing(): boolean {
    return this.screen !== null;
  }

  /** The device id of the track sent (for video, the camera's even while sharing). */
  device(kind: DeviceKind): string | null {
    const track = kind === 'videoinput' ? (this.camera ?? this.sent('video')) : this.sent('audio');
    return track?.getSettings().deviceId ?? null;
  }

  private sent(kind: 'audio' | 'video'): MediaStreamTrack | null {
    return this.outlet.local.getTracks().find((t) => t.kind === kind) ?? null;
  }

  /** Send `track` instead of the one of its kind, keeping whether it was enabled (mute, camera off). */
  private async swap(track: MediaStreamTrack): Promise<MediaStreamTrack | null> {
    const old = this.sent(track.kind as 'audio' | 'video');
    if (old) track.enabled = old.enabled;
    await this.outlet.replace(track);
    return old;
  }

  /** Switch to another microphone or camera, and remember it. */
  async use(kind: DeviceKind, deviceId: string): Promise<void> {
    const constraints = { deviceId: { exact: deviceId } };
    const stream = await navigator.mediaDevices.getUserMedia(kind === 'audioinput' ? { audio: constraints } : { video: constraints });
    const [track] = stream.getTracks();
    if (!track) throw new Error('That device gave no track.');
    remember(kind, deviceId);
    if (kind === 'videoinput' && this.screen) {
      this.camera?.stop();
      this.camera = track;
      return;
    }
    (await this.swap(track))?.stop();
  }

  /** Send the screen (or a window or tab: the browser asks which) instead of the camera. */
  async share(ended: () => void): Promise<void> {
    if (this.screen) return;
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const [track] = display.getVideoTracks();
    if (!track) throw new Error('Nothing to share.');
    this.screen = track;
    this.camera = await this.swap(track);
    // Stopped from the browser's own "Stop sharing": back to the camera.
    track.addEventListener('ended', () => void this.unshare().then(ended));
  }

  async unshare(): Promise<void> {
    const screen = this.screen;
    if (!screen) return;
    this.screen = null;
    const camera = this.camera;
    this.camera = null;
    if (camera) await this.swap(camera);
    screen.stop();
  }

  stop(): void {
    this.screen?.stop();
    this.camera?.stop();
    this.screen = this.camera = null;
  }
}
