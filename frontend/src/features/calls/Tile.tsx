// One participant in the call bar: their video (or, in a voice call, an audio element that plays
// them), their name and the speaking indicator (data-level and data-speaking: the browser test reads them).
import { useEffect, useRef } from 'react';

import { useLevel } from './level';
import type { VideoIn } from './mesh';

function Media({ stream, video, self, label }: { stream: MediaStream; video: boolean; self: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  if (video) return <video ref={ref} className="call-tile__video" autoPlay playsInline muted={self} aria-label={label} />;
  // The remote voice must play through an element (Chromium also feeds Web Audio from it); one's own never does.
  return self ? null : <audio ref={ref} autoPlay />;
}

interface TileProps {
  stream: MediaStream;
  label: string;
  video: boolean;
  self?: boolean;
  /** The video arriving from them (frames and size, as data attributes). */
  arriving?: VideoIn;
}

export function Tile({ stream, label, video, self = false, arriving }: TileProps) {
  const { level, speaking } = useLevel(stream);
  return (
    <figure
      className={speaking ? 'call-tile call-tile--speaking' : 'call-tile'}
      data-testid="call-tile"
      data-self={self}
      data-level={level}
      data-speaking={speaking}
      data-frames={arriving?.frames}
      data-frame-width={arriving?.width}
      data-frame-height={arriving?.height}
    >
      <Media stream={stream} video={video} self={self} label={label} />
      <figcaption className="call-tile__name">
        <span className="call-tile__meter" aria-hidden="true">
          <span style={{ transform: `scaleX(${Math.min(1, level * 8)})` }} />
        </span>
        {label}
        {speaking && <span className="sr-only"> (speaking)</span>}
      </figcaption>
    </figure>
  );
}
