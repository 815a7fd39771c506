import { dictionaries, type Language } from './language.ts';
import type { Messages } from './messages.ts';

/** The UI language as reactive state; components read `t` and re-render when it changes. */
export class I18n {
  language = $state<Language>('en');
  readonly t: Messages = $derived(dictionaries[this.language]);

  constructor(language: Language) {
    this.language = language;
  }

  toggle(): void {
    this.language = this.language === 'zh' ? 'en' : 'zh';
  }
}
