/**
 * The playground and the bench page, built by Vite from web/.
 * - `convnet` resolves to the package's built browser entry (dist/src/browser.js, from `npm run build`),
 *   exactly what a user of the published package gets, not the TypeScript sources.
 * - COOP/COEP on the dev server and on preview make the page cross-origin isolated: SharedArrayBuffer exists,
 *   so convnet's kernels can share one WebAssembly.Memory between Web Workers (threads).
 * - Workers are ES modules: the training worker imports convnet, which itself starts nested pool workers.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The two headers that make a page cross-origin isolated (crossOriginIsolated === true). */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here('.'),
  base: './',
  resolve: {
    alias: { convnet: here('../dist/src/browser.js') },
  },
  server: { headers: isolationHeaders, fs: { allow: [here('..')] } },
  preview: { headers: isolationHeaders },
  worker: {
    format: 'es',
    // Worker bundles are not minified: TensorFlow.js's threaded WASM backend (bench page) stringifies a function,
    // its Emscripten factory, to start its pthread workers, and that source must stay as written (mangled or
    // compressed, it reads variables that no longer exist: 'e is not defined', '_scriptDir is not defined').
    rolldownOptions: { output: { minify: false } },
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The MNIST files are ~11 MB; they are fetched at run time, never inlined.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4000,
    rolldownOptions: {
      input: { playground: here('index.html'), bench: here('bench.html') },
      // No per-plugin timing report after each build (noise in test logs).
      checks: { bundlerTimings: false },

    },
  },
});
