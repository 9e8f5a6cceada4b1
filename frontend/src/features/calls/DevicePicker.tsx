// The call bar's microphone and camera pickers (listed when opened, and again when a device comes or goes).
import { useEffect, useState } from 'react';

import type { CallView } from './CallProvider';
import type { DeviceKind } from './media';

const LABELS: Record<DeviceKind, string> = { audioinput: 'Microphone', videoinput: 'Camera' };

export function DevicePicker({ view, video }: { view: CallView; video: boolean }) {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const { devices: list } = view;
  useEffect(() => {
    let live = true;
    const load = () => void list().then((found) => live && setDevices(found), () => undefined);
    load();
    navigator.mediaDevices.addEventListener('devicechange', load);
    return () => {
      live = false;
      navigator.mediaDevices.removeEventListener('devicechange', load);
    };
  }, [list]);
  const kinds: DeviceKind[] = video ? ['audioinput', 'videoinput'] : ['audioinput'];
  return (
    <div className="call-bar__devices" role="group" aria-label="Devices">
      {kinds.map((kind) => {
        const options = devices.filter((d) => d.kind === kind);
        const id = `call-device-${kind}`;
        return (
          <label key={kind} htmlFor={id} className="call-bar__device">
            {LABELS[kind]}
            <select id={id} className="input" value={view.device(kind) ?? ''} onChange={(e) => void view.useDevice(kind, e.target.value)}>
              {options.map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || `${LABELS[kind]} ${i + 1}`}
                </option>
              ))}
            </select>
          </label>
        );
      })}
    </div>
  );
}
