/** Progress on stderr: a bar on a TTY, otherwise a plain "label: 40%" line every 10 %. */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr, quiet = false) {
  let lastPct = -1;
  let lastDraw = 0;
  const tty = Boolean(stream.isTTY);
  return {
    update(done: number, total: number) {
      if (quiet) return;
      const pct = Math.min(100, Math.floor((done / Math.max(1, total)) * 100));
      if (tty) {
        const now = Date.now();
        if (pct === lastPct || now - lastDraw < 100) return;
        lastDraw = now;
        lastPct = pct;
        const width = 30;
        const fill = Math.round((pct / 100) * width);
        stream.write(`\r${label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${pct}% (${done}/${total})`);
      } else if (pct >= lastPct + 10 || (pct === 100 && lastPct !== 100)) {
        lastPct = pct - (pct % 10);
        stream.write(`${label}: ${lastPct}%\n`);
      }
    },
    done() {
      if (quiet) return;
      if (tty) stream.write(`\r${label} done${' '.repeat(50)}\n`);
      else if (lastPct !== 100) stream.write(`${label}: 100%\n`);
    },
  };
}
