/**
 * The web app's build: React, served by the KBI process itself from web/dist. The strict CSP of
 * the server allows nothing inline, so the build emits only files (no inline module preload).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev:web`: Vite's dev server in front of a running KBI (npm start) on port 8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
