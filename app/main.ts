import './zod-without-eval.ts';
import { mount } from 'svelte';
import { registerSW } from 'virtual:pwa-register';
import './app.css';
import { I18n } from './i18n/i18n.svelte.ts';
import { chooseLanguage } from './i18n/language.ts';
import { createInferenceClient } from './inference/client.ts';
import { AppState } from './state/app-state.svelte.ts';
import { modelUpdateContext, ModelUpdateState } from './state/model-update.svelte.ts';
import { readTextContext, ReadTextState } from './state/read-text.svelte.ts';
import { syncContext, SyncState } from './state/sync-state.svelte.ts';
import { openDatabase } from './store/schema.ts';
import { createLocalStore } from './store/store.ts';
import { requestBackgroundSync } from './sync/background-sync.ts';
import { createSync } from './sync/drain.ts';
import { createSyncApi } from './sync/sync-api.ts';
import { startSyncTriggers } from './sync/triggers.ts';
import { tagNeed } from './sync/tag-need.ts';
import App from './ui/App.svelte';

const i18n = new I18n(chooseLanguage(location.search, navigator.languages));
const db = openDatabase();
const sync = createSync({
  db,
  api: createSyncApi((input, init) => fetch(input, init)),
  locks: navigator.locks,
  online: () => navigator.onLine,
});
const triggers = startSyncTriggers({ drain: sync.drain, requestBackgroundSync: () => requestBackgroundSync() });
const client = createInferenceClient({
  onModelChange: (change) => {
    app.useModels(change.models);
    updates.changed(change);
  },
});
const updates = new ModelUpdateState(client, db);
const readText = new ReadTextState(client, db);
const app = new AppState(client, createLocalStore(db, { onqueued: () => triggers.soon() }), () => tagNeed(db), readText);
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, {
  target,
  props: { app, i18n },
  context: new Map<symbol, unknown>([
    syncContext.provide(new SyncState(db, triggers)),
    modelUpdateContext.provide(updates),
    readTextContext.provide(readText),
  ]),
});
// The service worker makes the app work offline; new versions take over by themselves. It is
// registered once the models are loaded, so that its precache finds the 14 MB runtime in the HTTP
// cache instead of downloading it a second time beside the worker.
void app.load().finally(() => {
  if (app.models) updates.start(app.models);
  registerSW({ immediate: true });
  // Controlled by the service worker = the app shell and (already cached) models work offline.
  const sw = navigator.serviceWorker;
  sw?.addEventListener('controllerchange', () => (app.offlineReady = true));
  app.offlineReady = Boolean(sw?.controller);
});
