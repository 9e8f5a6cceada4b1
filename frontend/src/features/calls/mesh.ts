// The WebRTC side of a call: one RTCPeerConnection per other participant (a full mesh), signalled
// over the app's one socket (`call.signal`). In every pair the participant listed first offers, so
// each pair negotiates exactly once whoever joined when.
import type { CallWire } from '../../api/generated/realtime';

export type Send = (message: { type: string; [field: string]: unknown }) => boolean;
export type SignalKind = 'offer' | 'answer' | 'ice';

/** The video arriving from one peer: frames decoded so far, and the size of the latest. */
export interface VideoIn {
  frames: number;
  width: number;
  height: number;
}

export interface Inbound {
  /** Bytes received from every peer, by media kind. */
  audio: number;
  video: number;
  peers: Record<string, VideoIn>;
}
export const NOTHING: Inbound = { audio: 0, video: 0, peers: {} };

interface InboundReport {
  type: string;
  kind?: string;
  bytesReceived?: number;
  framesDecoded?: number;
  frameWidth?: number;
  frameHeight?: number;
}

export class Mesh {
  readonly peers = new Map<string, RTCPeerConnection>();
  private readonly pending = new Map<string, RTCIceCandidateInit[]>();
  /** The call's participants as last seen: in each pair the one listed first offers. */
  private order: readonly string[] = [];

  constructor(
    private readonly callId: string,
    private readonly me: string,
    readonly local: MediaStream,
    private readonly iceServers: RTCIceServer[],
    private readonly send: Send,
    private readonly changed: () => void,
    readonly remote: Map<string, MediaStream> = new Map(),
  ) {}

  /** Follow the call's participants: offer to those listed after me, drop those who left. */
  update(call: CallWire): void {
    const others = call.participants.filter((p) => p !== this.me);
    for (const [user, pc] of this.peers) {
      if (!others.includes(user)) {
        pc.close();
        this.peers.delete(user);
        this.remote.delete(user);
      }
    }
    this.order = call.participants;
    const mine = call.participants.indexOf(this.me);
    if (mine < 0) return;
    for (const user of call.participants.slice(mine + 1)) {
      if (!this.peers.has(user)) void this.offer(user);
    }
    this.changed();
  }

  private peer(user: string): RTCPeerConnection {
    const existing = this.peers.get(user);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    for (const track of this.local.getTracks()) pc.addTrack(track, this.local);
    pc.onicecandidate = (event) => {
      if (event.candidate) this.signal(user, 'ice', event.candidate.toJSON());
    };
    pc.ontrack = (event) => {
      this.remote.set(user, event.streams[0] ?? new MediaStream([event.track]));
      this.changed();
    };
    pc.onconnectionstatechange = () => {
      // A path lost (a network change): the offerer of the pair restarts ICE over the socket.
      if (pc.connectionState === 'failed' && this.offersTo(user)) void this.offer(user, true);
      this.changed();
    };
    this.peers.set(user, pc);
    return pc;
  }

  private signal(to: string, signal: SignalKind, payload: unknown): void {
    this.send({ type: 'call.signal', call_id: this.callId, to, signal, payload: JSON.stringify(payload) });
  }

  private offersTo(user: string): boolean {
    return this.order.indexOf(this.me) < this.order.indexOf(user);
  }

  private async offer(user: string, iceRestart = false): Promise<void> {
    const pc = this.peer(user);
    await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
    this.signal(user, 'offer', pc.localDescription);
  }

  async receive(from: string, signal: SignalKind, payload: string): Promise<void> {
    const value: unknown = JSON.parse(payload);
    const pc = this.peer(from);
    if (signal === 'ice') {
      if (pc.remoteDescription) await pc.addIceCandidate(value as RTCIceCandidateInit);
      else this.pending.set(from, [...(this.pending.get(from) ?? []), value as RTCIceCandidateInit]);
      return;
    }
    await pc.setRemoteDescription(value as RTCSessionDescriptionInit);
    for (const candidate of this.pending.get(from) ?? []) await pc.addIceCandidate(candidate);
    this.pending.delete(from);
    if (signal === 'offer') {
      await pc.setLocalDescription(await pc.createAnswer());
      this.signal(from, 'answer', pc.localDescription);
    }
  }

  /** 'connected' once every peer is; otherwise the least advanced state (or 'new' with no peer yet). */
  state(): RTCPeerConnectionState {
    const states = [...this.peers.values()].map((pc) => pc.connectionState);
    if (states.length === 0) return 'new';
    for (const s of ['failed', 'disconnected', 'new', 'connecting'] as const) if (states.includes(s)) return s;
    return states.every((s) => s === 'connected') ? 'connected' : (states[0] ?? 'new');
  }

  /** Send `track` instead of the local track of its kind: to every peer now (replaceTrack, no
   * renegotiation) and to peers that join later (the local stream holds it). */
  async replace(track: MediaStreamTrack): Promise<void> {
    for (const old of this.local.getTracks()) if (old.kind === track.kind) this.local.removeTrack(old);
    this.local.addTrack(track);
    const senders = [...this.peers.values()].flatMap((pc) => pc.getSenders().filter((s) => s.track?.kind === track.kind));
    await Promise.all(senders.map((s) => s.replaceTrack(track)));
    this.changed();
  }

  /** How many peers are connected. */
  connected(): number {
    return [...this.peers.values()].filter((pc) => pc.connectionState === 'connected').length;
  }

  /** What arrived so far (getStats' inbound-rtp reports): bytes by media kind over every peer, and
   * each peer's video. */
  async inbound(): Promise<Inbound> {
    const total: Inbound = { audio: 0, video: 0, peers: {} };
    for (const [user, pc] of this.peers) {
      const stats = await pc.getStats();
      stats.forEach((report: InboundReport) => {
        if (report.type !== 'inbound-rtp' || (report.kind !== 'audio' && report.kind !== 'video')) return;
        total[report.kind] += report.bytesReceived ?? 0;
        if (report.kind === 'video') {
          total.peers[user] = { frames: report.framesDecoded ?? 0, width: report.frameWidth ?? 0, height: report.frameHeight ?? 0 };
        }
      });
    }
    return total;
  }

  close(): void {
    for (const pc of this.peers.values()) pc.close();
    this.peers.clear();
    this.remote.clear();
    for (const track of this.local.getTracks()) track.stop();
  }
}
