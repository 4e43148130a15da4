/**
 * The desktop path of files, in Chromium without Electron: an init script plays main + preload and exposes
 * `window.netwright` with the files API (NetwrightFilesApi). It records what the page asks main to do, answers
 * "Save changes?" from a queue the test fills, and lets the test send menu commands and open requests the way main
 * does. The page must use main for every file (no downloads, no pickers), leave Ctrl+S to the menu's accelerator,
 * and keep the open document when main's file does not parse.
 */
import type { Page } from '@playwright/test';
import { serializeDocument } from '../../src/core/serialize';
import { TEMPLATES } from '../../src/core/templates';
import { expect, test } from './fixtures';
import { nodeIds, openTemplate } from './editor';

interface FakeMain {
  calls: string[];
  saved: string[];
  exports: { kind: string; size: number; name: string }[];
  discardAnswers: string[];
  files: Record<string, string>;
  recovery: { text: string; savedAt: number; path?: string } | null;
  menu(command: string): void;
  openRequest(path: string): void;
}

async function installFakeMain(page: Page, files: Record<string, string>, recovery: FakeMain['recovery'] = null): Promise<void> {
  await page.addInitScript(({ files, recovery }) => {
    const menuListeners = new Set<(c: string) => void>();
    const openListeners = new Set<(p: string) => void>();
    const fake: FakeMain = {
      calls: [],
      saved: [],
      exports: [],
      discardAnswers: [],
      files,
      recovery,
      menu: (c) => { for (const l of menuListeners) l(c); },
      openRequest: (p) => { for (const l of openListeners) l(p); },
    };
    const opened = (path: string) => {
      const text = fake.files[path];
      if (text === undefined) return { ok: false, canceled: false, message: `${path}: no such file` };
      return { ok: true, path, name: path.split('/').pop()!, text };
    };
    Object.assign(window, {
      __fakeMain: fake,
      netwright: {
        platform: 'electron',
        requestTrainerPort() {},
        async restartTrainer() {},
        onTrainerGone: () => () => undefined,
        async openNetwork() { fake.calls.push('openNetwork'); return opened('/nets/spiral.netwright'); },
        async openFile(path: string) { fake.calls.push(`openFile ${path}`); return opened(path); },
        async openDroppedFile(file: File) {
          fake.calls.push(`openDroppedFile ${file.name}`);
          return { ok: true, path: `/drop/${file.name}`, name: file.name, text: await file.text() };
        },
        async getRecentFiles() { return []; },
        async newNetwork() { fake.calls.push('newNetwork'); },
        async saveNetwork(text: string) { fake.calls.push('saveNetwork'); fake.saved.push(text); return { ok: true, path: '/nets/mine.netwright', name: 'mine.netwright' }; },
        async saveNetworkAs(text: string) { fake.calls.push('saveNetworkAs'); fake.saved.push(text); return { ok: true, path: '/nets/other.netwright', name: 'other.netwright' }; },
        async exportFile(kind: string, data: string | Uint8Array, name: string) {
          fake.calls.push(`exportFile ${kind}`);
          fake.exports.push({ kind, size: typeof data === 'string' ? data.length : data.byteLength, name });
          return { ok: true, path: `/x/${name}`, name };
        },
        setDirty(dirty: boolean) { fake.calls.push(`setDirty ${dirty}`); },
        async confirmDiscard() { fake.calls.push('confirmDiscard'); return fake.discardAnswers.shift() ?? 'cancel'; },
        async autosave() { fake.calls.push('autosave'); },
        async getRecovery() { return fake.recovery; },
        async discardRecovery() { fake.calls.push('discardRecovery'); fake.recovery = null; },
        onMenuCommand(l: (c: string) => void) { menuListeners.add(l); return () => menuListeners.delete(l); },
        onOpenFile(l: (p: string) => void) { openListeners.add(l); return () => openListeners.delete(l); },
      },
    });
  }, { files, recovery });
}

/** Run `fn` on the fake main inside the page (`arg` is passed through; `fn` must not close over test variables). */
const main = <T, A = undefined>(page: Page, fn: (fake: FakeMain, arg: A) => T, arg?: A) =>
  page.evaluate(({ source, arg }) => {
    const fake = (window as unknown as { __fakeMain: FakeMain }).__fakeMain;
    return (new Function('fake', 'arg', `return (${source})(fake, arg)`) as (f: FakeMain, a: unknown) => unknown)(fake, arg);
  }, { source: fn.toString(), arg }) as Promise<T>;

const spiralText = serializeDocument(TEMPLATES.find((t) => t.id === 'spiral')!.build());

async function start(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
}

test.describe('files in the desktop build (window.netwright present)', () => {
  test('the menu saves through main and the page leaves Ctrl+S to the menu', async ({ page, problems }) => {
    await installFakeMain(page, {});
    await start(page);
    await openTemplate(page, /^XOR/);
    await expect.poll(() => main(page, (f) => f.calls.includes('setDirty true'))).toBe(true);
    // Were the page to handle Ctrl+S, it would call saveNetwork during the key press itself.
    await page.keyboard.press('Control+s');
    expect(await main(page, (f) => f.calls.includes('saveNetwork'))).toBe(false);
    await main(page, (f) => f.menu('save'));
    await expect.poll(() => main(page, (f) => f.calls.includes('setDirty false'))).toBe(true);
    expect(await main(page, (f) => f.calls.filter((c) => c === 'saveNetwork').length)).toBe(1);
    const saved = await main(page, (f) => f.saved[0]!);
    expect(JSON.parse(saved)).toMatchObject({ format: 'netwright', name: 'XOR' });
    await expect(page).toHaveTitle('mine — Netwright');
    // No download ever: main writes files.
    expect(await main(page, (f) => f.calls.includes('saveNetworkAs'))).toBe(false);
    expect(problems.pageErrors).toEqual([]);
  });

  test('a file main offers (command line, Open Recent) opens after asking; a broken one leaves the document', async ({ page }) => {
    const broken = JSON.parse(spiralText) as { nodes: Record<string, unknown>[] };
    const dense = broken.nodes.findIndex((n) => n.type === 'dense');
    broken.nodes[dense]!.units = -2;
    await installFakeMain(page, { '/nets/spiral.netwright': spiralText, '/nets/broken.netwright': JSON.stringify(broken) });
    await start(page);
    await openTemplate(page, /^XOR/);
    const xor = await nodeIds(page);

    await main(page, (f) => f.openRequest('/nets/broken.netwright'));
    await expect.poll(() => main(page, (f) => f.calls.includes('confirmDiscard'))).toBe(true);
    // "Cancel" (the queue is empty): nothing opened.
    expect(await main(page, (f) => f.calls.includes('openFile /nets/broken.netwright'))).toBe(false);

    await main(page, (f) => { f.discardAnswers.push('discard'); f.openRequest('/nets/broken.netwright'); });
    await expect(page.getByTestId('notice')).toContainText(`Could not open "broken.netwright": nodes[${dense}].units`);
    expect(await nodeIds(page)).toEqual(xor);

    await main(page, (f) => { f.discardAnswers.push('discard'); f.openRequest('/nets/spiral.netwright'); });
    await expect(page).toHaveTitle('spiral — Netwright');
    expect((await nodeIds(page)).length).toBe(JSON.parse(spiralText).nodes.length);
  });

  test('menu exports go to main; a dropped file goes through openDroppedFile; main\'s recovery copy is offered', async ({ page }) => {
    const worked = TEMPLATES.find((t) => t.id === 'worked-example')!.build();
    await installFakeMain(page, {}, { text: serializeDocument({ ...worked, name: 'lost lesson' }), savedAt: Date.UTC(2026, 10, 28, 9, 30), path: '/nets/lesson.netwright' });
    await start(page);
    const offer = page.getByRole('dialog', { name: 'Recover unsaved work' });
    await expect(offer).toContainText('lost lesson');
    await offer.getByRole('button', { name: 'Recover' }).click();
    await expect(page).toHaveTitle('• lesson — Netwright');
    await expect.poll(async () => (await nodeIds(page)).length).toBe(worked.nodes.length);

    for (const command of ['exportOnnx', 'exportWeightsCsv', 'exportSvg', 'exportPng']) await main(page, (f, c) => f.menu(c), command);
    await expect.poll(() => main(page, (f) => f.exports.map((e) => e.kind).sort())).toEqual(['onnx', 'png', 'svg', 'weightsCsv']);
    const exports = await main(page, (f) => f.exports);
    for (const e of exports) {
      expect(e.name).toBe('lesson');
      expect(e.size).toBeGreaterThan(100);
    }

    await main(page, (f) => f.discardAnswers.push('discard'));
    await page.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'spiral.netwright'));
      document.body.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }, spiralText);
    await expect(page).toHaveTitle('spiral — Netwright');
    expect(await main(page, (f) => f.calls.includes('openDroppedFile spiral.netwright'))).toBe(true);
  });
});
