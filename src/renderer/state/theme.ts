/**
 * Light or dark. The user's choice is kept in localStorage; without one we follow the system's prefers-color-scheme,
 * live. The theme is applied as `data-theme` on <html>, which the CSS variables in styles/theme.css key off.
 */
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';

export type Theme = 'light' | 'dark';
export const THEME_STORAGE_KEY = 'netwright.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export interface ThemeState {
  theme: Theme;
  /** True when the user picked the theme (stored); false while it follows the system. */
  chosen: boolean;
  toggle(): void;
  setTheme(theme: Theme): void;
}

export interface ThemeEnvironment {
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  matchMedia?: (query: string) => Pick<MediaQueryList, 'matches' | 'addEventListener' | 'removeEventListener'>;
  root?: HTMLElement;
}

function readStored(storage: ThemeEnvironment['storage']): Theme | null {
  try {
    const value = storage?.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null; // storage can be unavailable (privacy settings); the theme still works for this session
  }
}

export function createThemeStore(env: ThemeEnvironment): StoreApi<ThemeState> {
  const query = env.matchMedia?.(DARK_QUERY);
  const stored = readStored(env.storage);
  const initial: Theme = stored ?? (query?.matches ? 'dark' : 'light');

  const apply = (theme: Theme) => {
    if (!env.root) return;
    env.root.dataset.theme = theme;
    env.root.style.colorScheme = theme;
  };
  apply(initial);

  const store = createStore<ThemeState>()((set) => ({
    theme: initial,
    chosen: stored !== null,
    setTheme(theme) {
      try {
        env.storage?.setItem(THEME_STORAGE_KEY, theme);
      } catch {
        // not persisted, still applied
      }
      apply(theme);
      set({ theme, chosen: true });
    },
    toggle() {
      store.getState().setTheme(store.getState().theme === 'dark' ? 'light' : 'dark');
    },
  }));

  query?.addEventListener('change', (event) => {
    if (store.getState().chosen) return;
    const theme: Theme = event.matches ? 'dark' : 'light';
    apply(theme);
    store.setState({ theme });
  });
  return store;
}

let windowThemeStore: StoreApi<ThemeState> | null = null;

/** The theme store of this window, created (and applied to <html>) on first use. */
export function themeStore(): StoreApi<ThemeState> {
  windowThemeStore ??= createThemeStore({
    storage: typeof localStorage === 'undefined' ? undefined : localStorage,
    matchMedia: typeof matchMedia === 'function' ? (q) => matchMedia(q) : undefined,
    root: document.documentElement,
  });
  return windowThemeStore;
}

export function useTheme<T>(selector: (state: ThemeState) => T): T {
  return useStore(themeStore(), selector);
}
