import { z } from 'zod';

/**
 * The apps run under a CSP without 'unsafe-eval'. Zod otherwise probes `new Function` when a
 * schema is built, which the browser reports as a violation. Import this before anything that
 * builds schemas (the first import of each app's entry).
 */
z.config({ jitless: true });
