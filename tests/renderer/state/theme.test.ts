import { describe, expect, it } from 'vitest';
import { createThemeStore, THEME_STORAGE_KEY, type ThemeEnvironment } from '../../../src/renderer/state/theme';

function fakeSystem(dark: boolean) {
  const listeners = new Set<(event: { matches: boolean }) => void>();
  const query = {
    matches: dark,
    addEventListener: (_type: string, listener: (event: { matches: boolean }) => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: (event: { matches: boolean }) => void) => listeners.delete(listener),
  };
  return {
    matchMedia: (() => query) as unknown as ThemeEnvironment['matchMedia'],
    change(toDark: boolean) {
      query.matches = toDark;
      for (const listener of [...listeners]) listener({ matches: toDark });
    },
  };
}

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('the theme store', () => {
  it('follows the system preference when the user has not chosen', () => {
    const root = document.createElement('html');
    const store = createThemeStore({ storage: memoryStorage(), matchMedia: fakeSystem(true).matchMedia, root });
    expect(store.getState().theme).toBe('dark');
    expect(root.dataset.theme).toBe('dark');
  });

  it('prefers a stored choice over the system preference', () => {
    const root = document.createElement('html');
    const store = createThemeStore({ storage: memoryStorage({ [THEME_STORAGE_KEY]: 'light' }), matchMedia: fakeSystem(true).matchMedia, root });
    expect(store.getState().theme).toBe('light');
    expect(root.dataset.theme).toBe('light');
  });

  it('ignores a stored value that is not a theme', () => {
    const store = createThemeStore({ storage: memoryStorage({ [THEME_STORAGE_KEY]: 'purple' }), matchMedia: fakeSystem(false).matchMedia });
    expect(store.getState().theme).toBe('light');
  });

  it('toggle switches the theme, applies it to <html> and stores the choice', () => {
    const root = document.createElement('html');
    const storage = memoryStorage();
    const store = createThemeStore({ storage, matchMedia: fakeSystem(false).matchMedia, root });
    store.getState().toggle();
    expect(store.getState().theme).toBe('dark');
    expect(root.dataset.theme).toBe('dark');
    expect(root.style.colorScheme).toBe('dark');
    expect(storage.data.get(THEME_STORAGE_KEY)).toBe('dark');
    store.getState().toggle();
    expect(root.dataset.theme).toBe('light');
  });

  it('tracks system changes until the user chooses, then keeps the choice', () => {
    const system = fakeSystem(false);
    const root = document.createElement('html');
    const store = createThemeStore({ storage: memoryStorage(), matchMedia: system.matchMedia, root });
    system.change(true);
    expect(root.dataset.theme).toBe('dark');
    store.getState().setTheme('light');
    system.change(true);
    expect(store.getState().theme).toBe('light');
    expect(root.dataset.theme).toBe('light');
  });

  it('still switches when storage refuses to be used', () => {
    const root = document.createElement('html');
    const storage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const store = createThemeStore({ storage, matchMedia: fakeSystem(false).matchMedia, root });
    store.getState().toggle();
    expect(root.dataset.theme).toBe('dark');
  });
});
