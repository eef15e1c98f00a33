import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './build/precompress.mjs';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** One entry per browser app (src/apps/<name>/index.html); keep in step with src/server/browser-apps.ts. */
const apps = ['track', 'admin', 'rider'] as const;
/** The rider app's service worker: served at a fixed URL (`/rider-sw.js`), so not hashed. */
const SERVICE_WORKER = 'rider-sw';

/** Shared by several apps and small enough to load everywhere; the map library is neither. */
/** Changes with every build, so browsers install the new service worker and drop the old cache. */
const BUILD_ID = Date.now().toString(36);

const SHARED = /\/(node_modules\/(?!leaflet\/)|apps\/shared\/|contracts\/src\/)/;

export default defineConfig({
  root: here('./src/apps'),
  base: '/',
  // Copied as they are: the rider app's web app manifest and icons (fixed URLs, see browser-apps.ts).
  publicDir: here('./src/apps/public'),
  resolve: {
    alias: [
      // The browser bundles contracts' ESM source rather than its CommonJS build.
      { find: '@orderpulse/contracts', replacement: here('../contracts/src/index.ts') },
      // Leaflet's ES module build rather than its UMD `main`.
      { find: /^leaflet$/, replacement: 'leaflet/dist/leaflet-src.esm.js' },
    ],
  },
  define: { __BUILD_ID__: JSON.stringify(BUILD_ID) },
  plugins: [precompress()],
  build: {
    outDir: here('./dist/public'),
    emptyOutDir: true,
    target: 'es2022',
    // Written for debugging, referenced by no bundle; the server serves them only with SERVE_SOURCE_MAPS=true.
    sourcemap: 'hidden',
    rollupOptions: {
      input: {
        ...Object.fromEntries(apps.map((app) => [app, here(`./src/apps/${app}/index.html`)])),
        [SERVICE_WORKER]: here('./src/apps/rider/service-worker.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === SERVICE_WORKER ? `${SERVICE_WORKER}.js` : 'assets/[name]-[hash].js'),
        // What more than one app uses (mqtt.js, zod, contracts, src/apps/shared) goes into one
        // cacheable chunk rather than many tiny ones; each app's own code stays in its entry, and
        // the map (Leaflet and src/apps/map) is a chunk of its own, loaded only where a map shows.
        manualChunks: (id: string) => (SHARED.test(id) ? 'shared' : undefined),
      },
    },
  },
});
