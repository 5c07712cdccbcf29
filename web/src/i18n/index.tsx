/**
 * Three languages, Dutch first. Each screen keeps its own dictionary file; the types demand that
 * French and English have every Dutch key. Code-list labels come from the server in all three.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as core from './core.ts';
import * as dossier from './dossier.ts';
import * as consultation from './consultation.ts';
import * as admin from './admin.ts';
import * as worklist from './worklist.ts';
import * as statistics from './statistics.ts';
import * as imports from './imports.ts';
import * as house from './house.ts';
import * as notifications from './notifications.ts';

export const LANGUAGES = ['nl', 'fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const dictionaries = {
  nl: { ...core.nl, ...dossier.nl, ...consultation.nl, ...admin.nl, ...statistics.nl, ...imports.nl, ...worklist.nl, ...house.nl, ...notifications.nl },
  fr: { ...core.fr, ...dossier.fr, ...consultation.fr, ...admin.fr, ...statistics.fr, ...imports.fr, ...worklist.fr, ...house.fr, ...notifications.fr },
  en: { ...core.en, ...dossier.en, ...consultation.en, ...admin.en, ...statistics.en, ...imports.en, ...worklist.en, ...house.en, ...notifications.en },
};

export type MessageKey = keyof (typeof dictionaries)['nl'];

/** Whether a key made at run time (from a code the server sent) names a message. */
export const hasMessage = (key: string): key is MessageKey => Object.hasOwn(dictionaries.nl, key);
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
  locale: string;
}

const Context = createContext<I18n | null>(null);

const STORAGE_KEY = 'kbi.language';
const LOCALES: Record<Language, string> = { nl: 'nl-BE', fr: 'fr-BE', en: 'en-GB' };

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  const browser = navigator.language.slice(0, 2);
  return browser === 'fr' ? 'fr' : browser === 'en' ? 'en' : 'nl';
}

const reported = new Set<string>();
/**
 * A key with no message (one made at run time from a code the catalogue lacks) shows as itself;
 * it is said once on the console, where the browser test that walks every screen looks for it.
 */
function missing(key: string): void {
  if (reported.has(key)) return;
  reported.add(key);
  console.error(`KBI: no message for the key "${key}"`);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const setLanguage = useCallback((l: Language) => {
    localStorage.setItem(STORAGE_KEY, l);
    setLanguageState(l);
  }, []);
  const t = useCallback<Translate>(
    (key, vars) => {
      let text: string | undefined = (dictionaries[language] as Record<string, string>)[key] ?? (dictionaries.nl as Record<string, string>)[key];
      if (text === undefined) {
        missing(key);
        text = key;
      }
      if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
      return text;
    },
    [language],
  );
  const value = useMemo(() => ({ language, setLanguage, t, locale: LOCALES[language] }), [language, setLanguage, t]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/** A date (YYYY-MM-DD or ISO date-time) in the user's language. */
export function useFormat() {
  const { locale } = useI18n();
  return useMemo(() => {
    const day = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Brussels' });
    const moment = new Intl.DateTimeFormat(locale, {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Brussels',
    });
    return {
      date: (value: string | null | undefined) => (value ? day.format(new Date(value.length === 10 ? `${value}T12:00:00Z` : value)) : '—'),
      dateTime: (value: string | null | undefined) => (value ? moment.format(new Date(value)) : '—'),
      number: (value: number) => value.toLocaleString(locale),
    };
  }, [locale]);
}
