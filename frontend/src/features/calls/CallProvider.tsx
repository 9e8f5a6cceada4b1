// The tab's call: at most one, owned by the tab that started or answered it. Ringing, the call's
// changes and signalling all arrive on the person's own `user:{id}` topic (every tab rings; once one
// tab answers, the others stop). Mounted in the signed-in layout, so a call survives navigation.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { api, unwrap } from '../../api/client';
import type { CallSignal, CallWire } from '../../api/generated/realtime';
import { userTopic, useRealtime, useTopic } from '../../lib/realtime';
import { useMe } from '../auth/useMe';
import { LocalMedia, inputDevices, openMedia, type DeviceKind } from './media';
import { Mesh, NOTHING, type Inbound, type SignalKind } from './mesh';

export interface CallView {
  call: CallWire | null;
  incoming: CallWire | null;
  connection: RTCPeerConnectionState;
  remote: Map<string, MediaStream>;
  local: MediaStream | null;
  muted: boolean;
  cameraOff: boolean;
  /** This tab sends its screen instead of the camera. */
  sharing: boolean;
  /** How many of the other participants this tab's peer connections reach. */
  peers: number;
  error: string | null;
  /** What arrived from the others so far (read every second while connected). */
  inbound(): Promise<Inbound>;
  start(roomId: string, kind: 'voice' | 'video'): Promise<void>;
  accept(): Promise<void>;
  /** Join a room's call (no ring: any member may). */
  join(call: CallWire): Promise<void>;
  toggleShare(): Promise<void>;
  /** Microphones and cameras to pick from, and the one in use of each kind. */
  devices(): Promise<MediaDeviceInfo[]>;
  device(kind: DeviceKind): string | null;
  useDevice(kind: DeviceKind, deviceId: string): Promise<void>;
  decline(): void;
  hangUp(): void;
  toggleMute(): void;
  toggleCamera(): void;
}

const CallContext = createContext<CallView | null>(null);

export function useCall(): CallView {
  const view = useContext(CallContext);
  if (!view) throw new Error('useCall outside CallProvider');
  return view;
}

async function iceServers(): Promise<RTCIceServer[]> {
  const body = await unwrap(api.client.GET('/api/calls/ice-servers'));
  return body.ice_servers.map((s) => ({ urls: s.urls, username: s.username ?? undefined, credential: s.credential ?? undefined }));
}

/** A call this tab asked to start or answer, with the media it holds until the server confirms. */
interface Claim {
  room?: string;
  call?: string;
  stream: MediaStream;
  ice: RTCIceServer[];
}

export function CallProvider({ children }: { children: ReactNode }) {
  const me = useMe().data?.id ?? null;
  const conn = useRealtime();
  const [call, setCall] = useState<CallWire | null>(null);
  const [incoming, setIncoming] = useState<CallWire | null>(null);
  const [local, setLocal] = useState<MediaStream | null>(null);
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const mesh = useRef<Mesh | null>(null);
  const outgoing = useRef<LocalMedia | null>(null);
  // What this tab asked for and has not yet seen confirmed: a start in a room, or an answer to a call.
  const claim = useRef<Claim | null>(null);
  const current = useRef<CallWire | null>(null);

  const end = useCallback(() => {
    outgoing.current?.stop();
    outgoing.current = null;
    mesh.current?.close();
    mesh.current = null;
    claim.current?.stream.getTracks().forEach((t) => t.stop());
    claim.current = null;
    current.current = null;
    setCall(null);
    setLocal(null);
    setMuted(false);
    setCameraOff(false);
    setSharing(false);
  }, []);

  const own = useCallback(
    (wire: CallWire) => {
      const c = claim.current;
      if (!c || !me) return;
      claim.current = null;
      mesh.current = new Mesh(wire.id, me, c.stream, c.ice, (m) => conn.send(m), () => setTick((n) => n + 1));
      outgoing.current = new LocalMedia(mesh.current);
      current.current = wire;
      setCall(wire);
      mesh.current.update(wire);
    },
    [conn, me],
  );

  // After a reconnect (the socket dropped; the server keeps us in the call for CALLS__REJOIN_SECONDS),
  // events of the gap were lost: ask for the call as it is now, and follow it (or end, if dropped).
  const resync = useCallback(async () => {
    const mine = current.current;
    if (!mine) return;
    const body = await unwrap(api.client.GET('/api/calls/rooms/{room_id}', { params: { path: { room_id: mine.room_id } } })).catch(() => null);
    if (!body || current.current?.id !== mine.id) return;
    const wire = body.call as CallWire | null;
    if (!wire || wire.id !== mine.id || !wire.participants.includes(me ?? '')) {
      end();
      return;
    }
    current.current = wire;
    setCall(wire);
    mesh.current?.update(wire);
  }, [end, me]);

  // A closing tab hangs up at once (the grace is for a lost network, not for a tab that is gone).
  useEffect(() => {
    const leave = () => {
      if (current.current) conn.send({ type: 'call.hangup', call_id: current.current.id });
    };
    window.addEventListener('pagehide', leave);
    return () => window.removeEventListener('pagehide', leave);
  }, [conn]);

  useTopic(me ? userTopic(me) : null, (event) => {
    if (event.type === 'call.ring') {
      const wire = (event.data as { call: CallWire }).call;
      if (!current.current) setIncoming(wire);
      return;
    }
    if (event.type === 'call.updated') {
      const wire = (event.data as { call: CallWire }).call;
      setIncoming((ring) => (ring && ring.id === wire.id && wire.status === 'ringing' && !wire.participants.includes(me ?? '') ? wire : ring?.id === wire.id ? null : ring));
      const c = claim.current;
      if (c && ((c.room === wire.room_id && wire.caller_id === me && wire.status === 'ringing' && !current.current) || c.call === wire.id)) {
        if (wire.status === 'ended') end();
        else own(wire);
        return;
      }
      if (current.current?.id !== wire.id) return;
      if (wire.status === 'ended' || !wire.participants.includes(me ?? '')) {
        end();
        return;
      }
      current.current = wire;
      setCall(wire);
      mesh.current?.update(wire);
      return;
    }
    if (event.type === 'call.signal') {
      const signal = event.data as CallSignal;
      if (mesh.current && current.current?.id === signal.call_id) {
        void mesh.current.receive(signal.from_user_id, signal.signal as SignalKind, signal.payload);
      }
    }
  }, { onSubscribed: () => void resync() });

  useEffect(() => () => mesh.current?.close(), []);

  const prepare = useCallback(async (kind: 'voice' | 'video') => {
    setError(null);
    const [stream, ice] = await Promise.all([openMedia(kind), iceServers()]);
    setLocal(stream);
    return { stream, ice };
  }, []);

  // A claim the server refuses (CALL_BUSY, CALL_ENDED: `conn.command` hears it at once) or never
  // confirms (a lost frame: given up after a while) lets the camera and microphone go.
  const dropClaim = useCallback((mine: Claim | null, message: string) => {
    if (claim.current !== mine || !mine) return;
    mine.stream.getTracks().forEach((t) => t.stop());
    claim.current = null;
    setLocal(null);
    setError(message);
  }, []);
  const sendClaim = useCallback(
    (command: { type: string; [field: string]: unknown }, unconfirmed: string) => {
      const mine = claim.current;
      conn.command(command, (refusal) => dropClaim(mine, refusal.message));
      setTimeout(() => dropClaim(mine, unconfirmed), 10_000);
    },
    [conn, dropClaim],
  );

  const join = useCallback(
    async (wire: CallWire) => {
      if (current.current) return;
      try {
        claim.current = { call: wire.id, ...(await prepare(wire.kind)) };
        sendClaim({ type: 'call.accept', call_id: wire.id }, 'The call could not be joined: no answer from the server.');
      } catch (e) {
        setError(e instanceof Error ? e.message : 'Could not join the call.');
      }
    },
    [prepare, sendClaim],
  );

  /** Run a change of what this tab sends, then show the preview anew (its tracks changed). */
  const change = useCallback(async (what: (media: LocalMedia) => Promise<void>, failed: string) => {
    const media = outgoing.current;
    if (!media || !mesh.current) return;
    setError(null);
    try {
      await what(media);
    } catch (e) {
      // NotAllowedError: the person cancelled the browser's picker or said no; nothing to tell.
      if (!(e instanceof Error && e.name === 'NotAllowedError')) setError(failed);
    }
    if (outgoing.current !== media || !mesh.current) return;
    setLocal(new MediaStream(mesh.current.local.getTracks()));
    setSharing(media.sharing);
  }, []);

  const view = useMemo<CallView>(
    () => ({
      call,
      incoming,
      connection: mesh.current?.state() ?? 'new',
      remote: mesh.current?.remote ?? new Map(),
      local,
      muted,
      cameraOff,
      sharing,
      peers: mesh.current?.connected() ?? 0,
      error,
      inbound: () => mesh.current?.inbound() ?? Promise.resolve(NOTHING),
      async start(roomId, kind) {
        if (current.current) return;
        try {
          claim.current = { room: roomId, ...(await prepare(kind)) };
          sendClaim({ type: 'call.start', room_id: roomId, kind }, 'The call could not be started: no answer from the server.');
        } catch (e) {
          setError(e instanceof Error ? e.message : 'Could not start the call.');
        }
      },
      async accept() {
        if (!incoming) return;
        const ring = incoming;
        setIncoming(null);
        await join(ring);
      },
      join,
      async toggleShare() {
        const stop = sharing;
        await change(
          (media) => (stop ? media.unshare() : media.share(() => void change(() => Promise.resolve(), ''))),
          'The screen could not be shared.',
        );
      },
      devices: inputDevices,
      device: (kind) => outgoing.current?.device(kind) ?? null,
      async useDevice(kind, deviceId) {
        await change((media) => media.use(kind, deviceId), 'That device could not be used.');
      },
      decline() {
        if (incoming) conn.send({ type: 'call.decline', call_id: incoming.id });
        setIncoming(null);
      },
      hangUp() {
        if (current.current) conn.send({ type: 'call.hangup', call_id: current.current.id });
        end();
      },
      toggleMute() {
        local?.getAudioTracks().forEach((t) => (t.enabled = muted));
        setMuted(!muted);
      },
      toggleCamera() {
        local?.getVideoTracks().forEach((t) => (t.enabled = cameraOff));
        setCameraOff(!cameraOff);
      },
    }),
    // `tick`: the mesh changed (a peer's connection state, a remote stream).
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [call, incoming, local, muted, cameraOff, sharing, error, conn, prepare, end, sendClaim, join, change, tick],
  );

  return <CallContext.Provider value={view}>{children}</CallContext.Provider>;
}
