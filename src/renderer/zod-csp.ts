/**
 * Imported first by main.tsx, before anything that builds a zod schema (src/shared/protocol.ts does so at load).
 * Zod 4 probes `new Function` to compile fast parsers; under this window's Content-Security-Policy (no 'unsafe-eval')
 * that probe is a CSP violation. jitless mode skips the probe and the compilation; parsing stays correct.
 */
import { z } from 'zod';

z.config({ jitless: true });
