// The speaking indicator: a stream's audio level from a Web Audio AnalyserNode, read ten times a
// second (not every frame: a tile needs no more), with "speaking" held a moment after a sound so it
// does not flicker between words.
import { useEffect, useState } from 'react';

/** RMS of the samples above which someone counts as speaking (about -34 dBFS). */
export const SPEAKING = 0.02;
const HOLD_MS = 600;
const EVERY_MS = 100;
const FALL = 0.7;

let shared: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  shared ??= new AudioContext();
  // Created after a click (call, accept, join), so the browser lets it run.
  if (shared.state === 'suspended') void shared.resume();
  return shared;
}

export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

export interface Level {
  /** 0 to 1 (RMS, falling back gently), rounded to hundredths. */
  level: number;
  speaking: boolean;
}

export function useLevel(stream: MediaStream | null): Level {
  const [state, setState] = useState<Level>({ level: 0, speaking: false });
  const track = stream?.getAudioTracks()[0] ?? null;
  useEffect(() => {
    const context = track ? audioContext() : null;
    if (!track || !context) return undefined;
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let loudAt = Number.NEGATIVE_INFINITY;
    let shown = 0;
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      const value = rms(samples);
      const now = performance.now();
      if (value >= SPEAKING) loudAt = now;
      // The meter falls back gently rather than blinking with each syllable.
      shown = Math.max(value, shown * FALL);
      const next = { level: Math.min(1, Math.round(shown * 100) / 100), speaking: now - loudAt < HOLD_MS };
      setState((s) => (s.level === next.level && s.speaking === next.speaking ? s : next));
    }, EVERY_MS);
    return () => {
      clearInterval(timer);
      source.disconnect();
      setState({ level: 0, speaking: false });
    };
  }, [track]);
  return state;
}
