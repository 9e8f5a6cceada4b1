// The call bar (stays across screens while this tab is in a call) and the incoming-call ringer.
import { useEffect, useRef, useState } from 'react';

import { Button } from '../../components/ui';
import { useFlag } from '../flags/api';
import { useCall } from './CallProvider';

function Video({ stream, muted, label }: { stream: MediaStream; muted?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} className="call-bar__video" autoPlay playsInline muted={muted} aria-label={label} />;
}

/** Bytes received, polled each second while connected (shown as data attributes: the browser test reads them). */
function useInbound(active: boolean, read: () => Promise<{ audio: number; video: number }>) {
  const [bytes, setBytes] = useState({ audio: 0, video: 0 });
  const reader = useRef(read);
  reader.current = read;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void reader.current().then(setBytes), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return bytes;
}

export function CallBar() {
  const view = useCall();
  const { call, incoming } = view;
  const inbound = useInbound(view.connection === 'connected', view.inbound);
  return (
    <>
      {incoming && !call && (
        <div className="call-ringer" role="alertdialog" aria-label="Incoming call" data-testid="call-ringer">
          <p>Incoming {incoming.kind} call</p>
          <Button size="sm" variant="primary" onClick={() => void view.accept()}>
            Accept
          </Button>
          <Button size="sm" variant="ghost" onClick={view.decline}>
            Decline
          </Button>
        </div>
      )}
      {call && (
        <div className="call-bar" role="region" aria-label="Call" data-testid="call-bar" data-status={call.status} data-connection={view.connection}
          data-inbound-audio={inbound.audio}
          data-inbound-video={inbound.video}
        >
          <span className="call-bar__status">
            {call.status === 'ringing' ? 'Ringing…' : view.connection === 'connected' ? 'Connected' : 'Connecting…'}
          </span>
          <div className="call-bar__media">
            {view.local && call.kind === 'video' && <Video stream={view.local} muted label="You" />}
            {[...view.remote.entries()].map(([user, stream]) => (
              <Video key={user} stream={stream} label="Participant" />
            ))}
          </div>
          <Button size="sm" variant="ghost" aria-pressed={view.muted} onClick={view.toggleMute}>
            {view.muted ? 'Unmute' : 'Mute'}
          </Button>
          {call.kind === 'video' && (
            <Button size="sm" variant="ghost" aria-pressed={view.cameraOff} onClick={view.toggleCamera}>
              {view.cameraOff ? 'Camera on' : 'Camera off'}
            </Button>
          )}
          <Button size="sm" variant="danger" onClick={view.hangUp}>
            Hang up
          </Button>
        </div>
      )}
      {view.error && (
        <p className="call-bar__error" role="alert">
          {view.error}
        </p>
      )}
    </>
  );
}

export function CallButton({ roomId, sanctumId }: { roomId: string; sanctumId?: string | null }) {
  const view = useCall();
  // Behind the `calls` feature flag, asked in the room's sanctum (whose override may turn it on or off
  // there): hidden when it is off for this user (the server refuses anyway).
  const enabled = useFlag('calls', sanctumId);
  if (view.call || !enabled) return null;
  return (
    <>
      <button type="button" className="icon-button" aria-label="Voice call" title="Voice call" onClick={() => void view.start(roomId, 'voice')}>
        Call
      </button>
      <button type="button" className="icon-button" aria-label="Video call" title="Video call" onClick={() => void view.start(roomId, 'video')}>
        Video
      </button>
    </>
  );
}
