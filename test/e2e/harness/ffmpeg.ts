import { spawn } from 'node:child_process';

/** Runs ffmpeg (or ffprobe) to completion; rejects with the tail of stderr so a failure says why. */
export function runFfmpeg(args: readonly string[], bin = 'ffmpeg'): Promise<{ stdout: string; stderr: string }> {
  return runProcess(bin, args);
}

/** Runs a program to completion; rejects with the tail of its stderr so a failure says why. */
export function runProcess(bin: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(new Error(`${bin} could not start (${e.message})`)));
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${bin} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}`));
    });
  });
}

/** Frame count, fps and duration of a video file, from ffprobe (frames counted by decoding). */
export async function probeVideo(
  file: string,
): Promise<{ frames: number; fps: number; durationMs: number; width: number; height: number }> {
  const { stdout } = await runFfmpeg(
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-count_frames',
      '-show_entries',
      'stream=nb_read_frames,r_frame_rate,width,height:format=duration',
      '-of',
      'json',
      file,
    ],
    'ffprobe',
  );
  const j = JSON.parse(stdout) as {
    streams: Array<{ nb_read_frames: string; r_frame_rate: string; width: number; height: number }>;
    format: { duration: string };
  };
  const s = j.streams[0];
  if (!s) throw new Error(`${file}: no video stream`);
  const [num, den] = s.r_frame_rate.split('/').map(Number);
  return {
    frames: Number(s.nb_read_frames),
    fps: (num ?? 0) / (den || 1),
    durationMs: Math.round(Number(j.format.duration) * 1000),
    width: s.width,
    height: s.height,
  };
}
