import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { getMimeType } from 'hono/utils/mime';
import { ApiError, type ErrorBody } from './api-error.ts';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, matchesEtag } from './http-cache.ts';
import type { BundleStore } from './models/bundle-store.ts';
import { indexAppFiles, type AppFile } from './static/app-files.ts';
import { acceptsGzip, createGzipCache, isCompressible } from './static/gzip.ts';

export interface AppDeps {
  /** The built PWA (vite's dist/); may be missing, then only the API and models are served. */
  appDir: string;
  bundles: BundleStore;
}

/** Requests to the API carry small JSON; photos and datasets get their own limits on their routes. */
const API_BODY_LIMIT = 1024 * 1024;

export function createApp({ appDir, bundles }: AppDeps) {
  const files = indexAppFiles(appDir);
  const gzipped = createGzipCache();
  const app = new Hono();

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
    return sendBody(c, etag, found.stream, { ...headers, 'Content-Type': type }, found.file.bytes);
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

function notFound(c: Context): Response {
  return c.json<ErrorBody>({ code: 'not-found', message: `Nothing at ${c.req.method} ${c.req.path}` }, 404);
}
