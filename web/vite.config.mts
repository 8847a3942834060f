import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built by `npm run build:web` into web/dist, which the local web server and CloudFront serve.
// Hashed file names under assets/ let `web publish` cache them for a year; index.html is never cached.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
});
