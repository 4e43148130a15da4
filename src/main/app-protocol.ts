/**
 * The renderer's own scheme: the window shows app://netwright/index.html, served by main from out/renderer through
 * `protocol.handle`, instead of file:// (which would give the page the whole file system's origin). Every response
 * carries the Content-Security-Policy as a header (the page's <meta> says the same; a test keeps them equal) and the
 * cross-origin isolation headers (COOP/COEP), and only
 * files inside the renderer folder are served.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'netwright';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The page's policy, sent as a header with every response of the app scheme. */
export const RENDERER_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/**
 * Cross-origin isolation (COOP + COEP): the page and its workers get SharedArrayBuffer and shared WebAssembly memory,
 * which the matrix products' worker threads need (docs/kernels.md). Everything the app loads is its own (app://), so
 * requiring CORP/CORS of cross-origin resources costs nothing. vite.web.config.ts sends the same for the browser build.
 */
export const CROSS_ORIGIN_ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } as const;

/** What registerSchemesAsPrivileged needs (before app ready): a standard, secure scheme, so ES modules and fetch work. */
export const APP_SCHEME_PRIVILEGES = [{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
};

/** The file under `rendererDir` that `url` names, or undefined (another scheme or host, or a path leaving the folder). */
export function appFileFor(url: string, rendererDir: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const root = resolve(rendererDir);
  const file = resolve(join(root, path === '/' ? 'index.html' : path));
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return file;
}

const headers = (type: string) => ({
  'Content-Type': type,
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  ...CROSS_ORIGIN_ISOLATION,
});

/** The response to one request of the app scheme. */
export async function appResponse(url: string, rendererDir: string, read: (file: string) => Promise<Uint8Array> = (f) => readFile(f)): Promise<Response> {
  const file = appFileFor(url, rendererDir);
  if (!file) return new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });
  try {
    const body = await read(file);
    return new Response(new Uint8Array(body), { status: 200, headers: headers(TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream') });
  } catch {
    return new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });
  }
}
