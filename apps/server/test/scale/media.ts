/** Short test videos made with the real ffmpeg, into a temp dir. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * `seconds` of a moving test pattern at 30 fps (320×180 H.264), with one frozen stretch:
 * the frame at `freezeAt` held for `freezeFor` seconds (the analyzer's freeze pass must find it).
 */
export async function makeVideo(
  dir: string,
  name: string,
  seconds = 3,
  freezeAt = 1,
  freezeFor = 0.6,
): Promise<string> {
  const file = join(dir, name);
  const frozenFrames = Math.round(freezeFor * 30);
  const at = Math.round(freezeAt * 30);
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=320x180:rate=30:duration=${seconds}`,
    '-vf',
    `loop=loop=${frozenFrames}:size=1:start=${at},setpts=N/30/TB`,
    '-t',
    String(seconds + freezeFor),
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-preset',
    'ultrafast',
    file,
  ]);
  return file;
}
