import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** One entry per browser app (src/apps/<name>/index.html); keep in step with src/server/browser-apps.ts. */
const apps = ['track', 'admin', 'rider'] as const;

export default defineConfig({
  root: here('./src/apps'),
  base: '/',
  publicDir: false,
  resolve: {
    // The browser bundles contracts' ESM source rather than its CommonJS build.
    alias: { '@orderpulse/contracts': here('../contracts/src/index.ts') },
  },
  build: {
    outDir: here('./dist/public'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      input: Object.fromEntries(apps.map((app) => [app, here(`./src/apps/${app}/index.html`)])),
      // What more than one app uses (mqtt.js, zod, contracts, src/apps/shared) goes into one
      // cacheable chunk rather than many tiny ones; each app's own code stays in its entry.
      output: { manualChunks: (id: string) => (/\/(node_modules|apps\/shared|contracts\/src)\//.test(id) ? 'shared' : undefined) },
    },
  },
});
