import { z } from 'zod';

// The app runs under a Content-Security-Policy that allows no eval (server/app.ts). Zod probes
// `Function('')` before its first parse to decide whether to compile faster parsers, and the
// browser reports every such probe as a violation; the app's few parses need no compiling. Each
// entry (the page, the inference worker, the service worker) imports this first.
z.config({ jitless: true });
