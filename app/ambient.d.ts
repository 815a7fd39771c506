/// <reference types="svelte" />
/// <reference types="vite-plugin-pwa/client" />
