import { defineConfig } from 'vite';

// In dev (`npm run dev -w @watchtime/dashboard`) the API is proxied to a running server, so the
// session cookie stays same-origin exactly as when the server serves the built files.
const server = process.env.WATCHTIME_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 200 },
  server: { proxy: { '/v1': server, '/healthz': server } },
});
