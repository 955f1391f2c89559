/**
 * Test media shared by the browser suites: the HLS rendition of an MP4, cut by ffmpeg into a
 * VOD playlist of equal segments (`seg000.ts`, … and `index.m3u8`). The MP4s themselves differ
 * per suite (what each needs to see in the picture), the rendition does not.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes `<hlsDir>/index.m3u8` and its segments from `mp4` (stream copy: keyframes must align). */
export async function hlsRendition(mp4: string, hlsDir: string, segmentSeconds: number): Promise<string> {
  const playlist = join(hlsDir, 'index.m3u8');
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    mp4,
    '-c',
    'copy',
    '-f',
    'hls',
    '-hls_time',
    String(segmentSeconds),
    '-hls_list_size',
    '0',
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    join(hlsDir, 'seg%03d.ts'),
    playlist,
  ]);
  return playlist;
}
