/**
 * What the recorders need from a player: a handful of readable properties and event
 * subscription. A bare <video> and a video.js player both fit behind it, so one code path
 * serves the element, the script tag and the plugin.
 */
export interface PlaybackTarget {
  /** Seconds. */
  currentTime(): number;
  paused(): boolean;
  playbackRate(): number;
  /** Seconds; NaN while unknown, Infinity for live streams. */
  duration(): number;
  readyState(): number;
  seeking(): boolean;
  ended(): boolean;
  /** Subscribes; returns the unsubscribe function. */
  listen(type: string, fn: () => void): () => void;
  /** The element presenting frames, when there is one (for requestVideoFrameCallback). */
  frameSource(): HTMLVideoElement | null;
  /** Moves the playhead (resume, and returning a blocked skip); without it those options do nothing. */
  seek?(seconds: number): void;
}

export function videoElementTarget(video: HTMLVideoElement): PlaybackTarget {
  return {
    currentTime: () => video.currentTime,
    paused: () => video.paused,
    playbackRate: () => video.playbackRate,
    duration: () => video.duration,
    readyState: () => video.readyState,
    seeking: () => video.seeking,
    ended: () => video.ended,
    listen(type, fn) {
      video.addEventListener(type, fn);
      return () => video.removeEventListener(type, fn);
    },
    frameSource: () => video,
    seek(seconds) {
      video.currentTime = seconds;
    },
  };
}
