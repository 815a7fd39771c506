import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/**
 * Text, scripts, the WASM runtime and the ONNX models (served as octet-stream) shrink a lot:
 * the 14 MB runtime goes to under 4 MB, which is most of a first visit's download.
 */
const COMPRESSIBLE = /^(text\/|image\/svg\+xml|application\/(javascript|json|manifest\+json|wasm|octet-stream|xml))/;

export function isCompressible(type: string): boolean {
  return COMPRESSIBLE.test(type);
}

export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return /\bgzip\b(?!;q=0(\.0*)?\b)/.test(acceptEncoding ?? '');
}

/**
 * Files served here never change under one ETag (hashed names, versioned bundles, an index made at
 * start-up), so each is compressed once, on first request, and kept.
 */
export function createGzipCache(): (etag: string, open: () => ReadableStream<Uint8Array>) => Promise<Uint8Array<ArrayBuffer>> {
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  return (etag, open) => {
    let body = cache.get(etag);
    if (!body) {
      body = new Response(open()).arrayBuffer().then(async (raw) => new Uint8Array(await gzipAsync(new Uint8Array(raw), { level: 6 })));
      body.catch(() => cache.delete(etag));
      cache.set(etag, body);
    }
    return body;
  };
}
