/**
 * jsdom lacks a few browser APIs React Flow and the theme store touch. These stand-ins do nothing clever: they let
 * components mount; no test asserts on what they compute.
 */
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

class ResizeObserverStandIn {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= ResizeObserverStandIn as unknown as typeof ResizeObserver;

class DOMMatrixReadOnlyStandIn {
  readonly m22 = 1;
}
globalThis.DOMMatrixReadOnly ??= DOMMatrixReadOnlyStandIn as unknown as typeof DOMMatrixReadOnly;

if (typeof window.matchMedia !== 'function') {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      addListener: () => undefined,
      removeListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
