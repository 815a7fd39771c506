import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { getMimeType } from 'hono/utils/mime';
import { ApiError, type ErrorBody } from './api-error.ts';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, matchesEtag } from './http-cache.ts';
import type { BundleStore } from './models/bundle-store.ts';
import { indexAppFiles, type AppFile } from './static/app-files.ts';

export interface AppDeps {
  /** The built PWA (vite's dist/); may be missing, then only the API and models are served. */
  appDir: string;
  bundles: BundleStore;
}

/** Requests to the API carry small JSON; photos and datasets get their own limits on their routes. */
const API_BODY_LIMIT = 1024 * 1024;

export function createApp({ appDir, bundles }: AppDeps) {
  const files = indexAppFiles(appDir);
  const app = new Hono();

  // Cross-origin isolation on every response lets the app use threaded WASM.
  app.use(secureHeaders({
    crossOriginEmbedderPolicy: 'require-corp',
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
  }));
  app.use('/api/*', bodyLimit({
    maxSize: API_BODY_LIMIT,
    onError: () => {
      throw new ApiError(413, 'payload-too-large', `Request bodies are limited to ${API_BODY_LIMIT} bytes`);
    },
  }));

  app.get('/api/v1/health', async (c) => {
    const current = await bundles.current();
    return c.json({ ok: true, model: current?.manifest.version ?? null });
  });

  app.get('/api/v1/models/current', async (c) => {
    const current = await bundles.current();
    if (!current) throw new ApiError(404, 'no-model', 'No model bundle has been built on this server; run `npm run models`');
    c.header('ETag', current.etag);
    c.header('Cache-Control', CACHE_REVALIDATE);
    if (matchesEtag(c.req.header('If-None-Match'), current.etag)) return c.body(null, 304);
    return c.body(current.json, 200, { 'Content-Type': 'application/json' });
  });

  app.all('/api/*', (c) => notFound(c));

  app.get('/models/:version/:file', async (c) => {
    const found = await bundles.file(c.req.param('version'), c.req.param('file'));
    if (!found) return notFound(c);
    const etag = `"${found.file.sha256}"`;
    const headers = { ETag: etag, 'Cache-Control': CACHE_IMMUTABLE };
    if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
    const type = getMimeType(found.file.path) ?? 'application/octet-stream';
    return sendBody(c, found.stream, { ...headers, 'Content-Type': type, 'Content-Length': String(found.file.bytes) });
  });

  app.get('*', (c) => {
    const file = files.get(c.req.path) ?? spaRoute(c.req.path, files.index);
    return file ? serveFile(c, file) : notFound(c);
  });

  app.notFound(notFound);
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json<ErrorBody>({ code: error.code, message: error.message }, error.status);
    if (error instanceof HTTPException) return c.json<ErrorBody>({ code: 'http-error', message: error.message || 'Request failed' }, error.status);
    console.error(error);
    return c.json<ErrorBody>({ code: 'internal', message: 'Something went wrong on the server' }, 500);
  });
  return app;
}

/** Client-side routes get the app shell; a missing file (a name with an extension) is a real 404. */
function spaRoute(path: string, index: AppFile | null): AppFile | null {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.includes('.') ? null : index;
}

function serveFile(c: Context, file: AppFile): Response {
  c.header('ETag', file.etag);
  c.header('Cache-Control', file.cacheControl);
  if (matchesEtag(c.req.header('If-None-Match'), file.etag)) return c.body(null, 304);
  return sendBody(c, file.stream, { 'Content-Type': file.type, 'Content-Length': String(file.bytes) });
}

/** Hono answers HEAD from the GET route and drops the body: do not open a file nobody reads. */
function sendBody(c: Context, open: () => ReadableStream<Uint8Array>, headers: Record<string, string>): Response {
  return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(open(), 200, headers);
}

function notFound(c: Context): Response {
  return c.json<ErrorBody>({ code: 'not-found', message: `Nothing at ${c.req.method} ${c.req.path}` }, 404);
}
