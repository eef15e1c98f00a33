import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text formats worth compressing; images are compressed already, source maps are not served by default. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt']);
/** Below this the headers cost more than compression saves. */
const MIN_BYTES = 1024;

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/** Writes `<file>.br` and `<file>.gz` next to `file` (each only when smaller); returns the sizes. */
export async function precompressFile(file: string): Promise<{ original: number; br?: number; gz?: number }> {
  const source = await readFile(file);
  const sizes: { original: number; br?: number; gz?: number } = { original: source.length };
  const br = await brotli(source, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: source.length },
  });
  if (br.length < source.length) {
    await writeFile(`${file}.br`, br);
    sizes.br = br.length;
  }
  const gz = await gzipAsync(source, { level: constants.Z_BEST_COMPRESSION });
  if (gz.length < source.length) {
    await writeFile(`${file}.gz`, gz);
    sizes.gz = gz.length;
  }
  return sizes;
}

/**
 * After the build, every text file of at least 1 KiB in the output directory gets a brotli and a
 * gzip copy, so the server sends compressed bytes without compressing per request.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'orderpulse:precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      let files = 0;
      let before = 0;
      let after = 0;
      for await (const file of filesUnder(outDir)) {
        if (!COMPRESSIBLE.has(extname(file)) || (await stat(file)).size < MIN_BYTES) continue;
        const sizes = await precompressFile(file);
        files += 1;
        before += sizes.original;
        after += sizes.br ?? sizes.original;
      }
      this.info?.(`precompressed ${files} files: ${(before / 1024).toFixed(1)} KiB → ${(after / 1024).toFixed(1)} KiB brotli`);
    },
  };
}
