import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** One entry per browser app; admin/ and rider/ join this list when they are built. */
const apps = ['track'] as const;

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
    },
  },
});
