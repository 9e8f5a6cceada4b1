// The call bar (stays across screens while this tab is in a call) and the incoming-call ringer.
import { useEffect, useRef, useState } from 'react';

import { Button } from '../../components/ui';
import { useMembers } from '../chat/api';
import { useFlag } from '../flags/api';
import { useCall } from './CallProvider';
import { DevicePicker } from './DevicePicker';
import { NOTHING, type Inbound } from './mesh';
import { useRoomCall } from './roomCall';
import { Tile } from './Tile';

/** What arrived, polled each second while connected (shown as data attributes: the browser test reads them). */
function useInbound(active: boolean, read: () => Promise<Inbound>): Inbound {
  const [inbound, setInbound] = useState(NOTHING);
  const reader = useRef(read);
  reader.current = read;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void reader.current().then(setInbound), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return inbound;
}

export function CallBar() {
  const view = useCall();
  const { call, incoming } = view;
  const [picking, setPicking] = useState(false);
  const inbound = useInbound(view.connection === 'connected', view.inbound);
  const video = call?.kind === 'video';
  const members = useMembers(call?.room_id ?? '', Boolean(call)).data;
  const name = (user: string) => {
    const found = members?.find((m) => m.user.id === user)?.user;
    return found ? found.display_name || found.username : 'Participant';
  };
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
        <div
          className="call-bar"
          role="region"
          aria-label="Call"
          data-testid="call-bar"
          data-status={call.status}
          data-connection={view.connection}
          data-peers={view.peers}
          data-inbound-audio={inbound.audio}
          data-inbound-video={inbound.video}
        >
          <span className="call-bar__status">
            {call.status === 'ringing' ? 'Ringing…' : view.connection === 'connected' ? 'Connected' : 'Connecting…'}
            {view.sharing && ' · sharing your screen'}
          </span>
          <div className="call-bar__media">
            {view.local && <Tile stream={view.local} video={video} self label={view.sharing ? 'You (screen)' : 'You'} />}
            {[...view.remote.entries()].map(([user, stream]) => (
              <Tile key={user} stream={stream} video={video} label={name(user)} arriving={inbound.peers[user]} />
            ))}
          </div>
          <Button size="sm" variant="ghost" aria-pressed={view.muted} onClick={view.toggleMute}>
            {view.muted ? 'Unmute' : 'Mute'}
          </Button>
          {video && (
            <Button size="sm" variant="ghost" aria-pressed={view.cameraOff} onClick={view.toggleCamera}>
              {view.cameraOff ? 'Camera on' : 'Camera off'}
            </Button>
          )}
          {video && call.status === 'active' && (
            <Button size="sm" variant="ghost" aria-pressed={view.sharing} onClick={() => void view.toggleShare()}>
              {view.sharing ? 'Stop sharing' : 'Share screen'}
            </Button>
          )}
          <Button size="sm" variant="ghost" aria-expanded={picking} onClick={() => setPicking((p) => !p)}>
            Devices
          </Button>
          <Button size="sm" variant="danger" onClick={view.hangUp}>
            Hang up
          </Button>
          {picking && <DevicePicker view={view} video={video} />}
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

/** Call and Video in a DM or room header; in a room whose call is on, Join call instead. */
export function CallButton({ roomId, dm, sanctumId }: { roomId: string; dm: boolean; sanctumId?: string | null }) {
  const view = useCall();
  // Behind the `calls` feature flag, asked in the room's sanctum (whose override may turn it on or off
  // there): hidden when it is off for this user (the server refuses anyway).
  const enabled = useFlag('calls', sanctumId);
  const ongoing = useRoomCall(roomId, enabled && !dm);
  if (view.call || !enabled) return null;
  if (ongoing) {
    return (
      <button type="button" className="icon-button" aria-label={`Join ${ongoing.kind} call`} title="Join the call" onClick={() => void view.join(ongoing)}>
        Join call
      </button>
    );
  }
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
