import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { getMimeType } from 'hono/utils/mime';
import type { Logger } from 'pino';
import { ApiError, type ErrorBody } from './api-error.ts';
import type { ApiEnv } from './api/api-env.ts';
import { createApi, type ApiDeps } from './api/create-api.ts';
import { DEFAULT_LIMITS, SMALL_BODY_BYTES } from './api/limits.ts';
import { limitBody } from './api/middleware/body-limit.ts';
import { requestLog } from './api/middleware/request-log.ts';
import { CACHE_IMMUTABLE, matchesEtag } from './http-cache.ts';
import { indexAppFiles, type AppFile } from './static/app-files.ts';
import { acceptsGzip, createGzipCache, isCompressible } from './static/gzip.ts';

export interface AppDeps extends Omit<ApiDeps, 'limits' | 'corsOrigins'> {
  /** The built PWA (vite's dist/); may be missing, then only the API and models are served. */
  appDir: string;
  /** One JSON line per request; failures with their stack (never sent to clients). */
  logger: Logger;
  limits?: ApiDeps['limits'];
  corsOrigins?: ApiDeps['corsOrigins'];
}

/**
 * What the app may load: only its own files. Script may compile WebAssembly (onnxruntime-web) but
 * never evaluate strings; photos are shown from blob: URLs; Svelte sets inline style attributes
 * (box positions), hence 'unsafe-inline' for styles only. No frames, plugins or foreign forms.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  workerSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", 'blob:', 'data:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'"],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function createApp({ appDir, logger, limits = DEFAULT_LIMITS, corsOrigins = [], ...api }: AppDeps) {
  const { bundles } = api;
  const files = indexAppFiles(appDir);
  const gzipped = createGzipCache();
  const app = new Hono<ApiEnv>();

  /** Sends a file body, gzipped when the client takes it; HEAD gets the headers only. */
  async function sendBody(c: Context, etag: string, open: () => ReadableStream<Uint8Array>, headers: Record<string, string>, bytes: number): Promise<Response> {
    // Hono answers HEAD from the GET route and drops the body: do not open a file nobody reads.
    const head = c.req.method === 'HEAD';
    if (isCompressible(headers['Content-Type']) && acceptsGzip(c.req.header('Accept-Encoding'))) {
      const body = await gzipped(etag, open);
      const gzipHeaders = { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': String(body.byteLength), Vary: 'Accept-Encoding' };
      return head ? c.body(null, 200, gzipHeaders) : c.body(body, 200, gzipHeaders);
    }
    const plainHeaders = { ...headers, 'Content-Length': String(bytes), Vary: 'Accept-Encoding' };
    return head ? c.body(null, 200, plainHeaders) : c.body(open(), 200, plainHeaders);
  }

  function serveFile(c: Context, file: AppFile): Promise<Response> | Response {
    c.header('ETag', file.etag);
    c.header('Cache-Control', file.cacheControl);
    if (matchesEtag(c.req.header('If-None-Match'), file.etag)) return c.body(null, 304);
    return sendBody(c, file.etag, file.stream, { 'Content-Type': file.type }, file.bytes);
  }

  app.use(requestLog(logger));
  // Cross-origin isolation on every response lets the app use threaded WASM.
  app.use(secureHeaders({
    crossOriginEmbedderPolicy: 'require-corp',
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  }));
  app.route('/api/v1', createApi({ ...api, limits, corsOrigins }));
  // Unknown API paths are a JSON 404, not the app shell; their bodies are never read, but are limited all the same.
  app.all('/api/*', limitBody(SMALL_BODY_BYTES), (c) => notFound(c));

  app.get('/models/:version/:file', async (c) => {
    const found = await bundles.file(c.req.param('version'), c.req.param('file'));
    if (!found) return notFound(c);
    const etag = `"${found.file.sha256}"`;
    const headers = { ETag: etag, 'Cache-Control': CACHE_IMMUTABLE };
    if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
    const type = getMimeType(found.file.path) ?? 'application/octet-stream';
    return sendBody(c, etag, found.stream, { ...headers, 'Content-Type': type }, found.file.bytes);
  });

  app.get('*', (c) => {
    const file = files.get(c.req.path) ?? spaRoute(c.req.path, files.index);
    return file ? serveFile(c, file) : notFound(c);
  });

  app.notFound(notFound);
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json<ErrorBody>({ code: error.code, message: error.message }, error.status, error.headers);
    if (error instanceof HTTPException) return c.json<ErrorBody>({ code: 'http-error', message: error.message || 'Request failed' }, error.status);
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json<ErrorBody>({ code: 'internal', message: 'Something went wrong on the server' }, 500);
  });
  return app;
}

/** Client-side routes get the app shell; a missing file (a name with an extension) is a real 404. */
function spaRoute(path: string, index: AppFile | null): AppFile | null {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.includes('.') ? null : index;
}

function notFound(c: Context): Response {
  return c.json<ErrorBody>({ code: 'not-found', message: `Nothing at ${c.req.method} ${c.req.path}` }, 404);
}
