/**
 * Files in the browser build, as a user does it: Save is a download, Open a file picker, unsaved work is kept in
 * IndexedDB and offered back after a reload, a file dropped on the window opens, a bad file is refused with the
 * parser's words, and the Export menu hands out ONNX, weights and images of the graph.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Locator, Page } from '@playwright/test';
import { TEMPLATES } from '../../src/core/templates';
import { decodeModel } from '../../src/core/onnx/onnx';
import { expect, openApp, test } from './fixtures';
import { canvas, clickEdge, inspector, nodeIds, openTemplate, selectNode } from './editor';

const SCREENS = process.env.NETWRIGHT_SCREENS ?? '/work/notes/screens';

function toolbar(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Main toolbar' });
}

function toolButton(page: Page, name: string): Locator {
  return toolbar(page).getByRole('button', { name, exact: true });
}

async function step(page: Page): Promise<number> {
  const text = (await page.getByTestId('live-step').textContent()) ?? '';
  return Number(text.replace(/[^\d]/g, ''));
}

/** What the canvas shows of every edge: its weight label and the computed colour and width of its stroke. */
async function edgeLooks(page: Page): Promise<Record<string, { label: string; stroke: string; width: string }>> {
  return canvas(page).evaluate((root) => {
    const out: Record<string, { label: string; stroke: string; width: string }> = {};
    for (const edge of root.querySelectorAll('.react-flow__edge[data-id]')) {
      const id = edge.getAttribute('data-id')!;
      const path = edge.querySelector('path.react-flow__edge-path');
      const style = path ? getComputedStyle(path) : null;
      const label = root.querySelector(`.nw-edge-label[data-edge-id="${CSS.escape(id)}"]`)?.textContent?.trim() ?? '';
      out[id] = { label, stroke: style?.stroke ?? '', width: style?.strokeWidth ?? '' };
    }
    return out;
  });
}

async function saveDownload(page: Page, action: () => Promise<void>): Promise<{ download: Download; path: string; text: string }> {
  const pending = page.waitForEvent('download');
  await action();
  const download = await pending;
  const path = join(await mkdtemp(join(tmpdir(), 'nw-files-')), download.suggestedFilename());
  await download.saveAs(path);
  return { download, path, text: await readFile(path, 'utf8') };
}

/** Open through the toolbar; `unsaved` answers the "Save changes?" question that comes first when there are changes. */
async function openWithPicker(page: Page, path: string, unsaved?: 'Don’t save'): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await toolButton(page, 'Open').click();
  if (unsaved) await page.getByRole('dialog', { name: 'Unsaved changes' }).getByRole('button', { name: unsaved }).click();
  await (await chooser).setFiles(path);
}

/** The recovery copy the page keeps in IndexedDB (to wait for the debounced autosave, as a user would wait a moment). */
async function recoveryCopy(page: Page): Promise<string | null> {
  return page.evaluate(() => new Promise<string | null>((resolve) => {
    const request = indexedDB.open('netwright', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('kv');
    request.onerror = () => resolve(null);
    request.onsuccess = () => {
      const db = request.result;
      const get = db.transaction('kv', 'readonly').objectStore('kv').get('recovery');
      get.onsuccess = () => {
        db.close();
        const value = get.result as { text?: string } | undefined;
        resolve(typeof value?.text === 'string' ? value.text : null);
      };
      get.onerror = () => resolve(null);
    };
  }));
}

async function trainXorBriefly(page: Page): Promise<void> {
  await openTemplate(page, /^XOR/);
  await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
  await toolButton(page, 'Play').click();
  await expect.poll(() => step(page), { timeout: 30_000 }).toBeGreaterThan(60);
  await toolButton(page, 'Pause').click();
  await expect(toolButton(page, 'Play')).toBeVisible();
}

test.describe('files in the browser build', () => {
  test('a trained model saved as a download opens after a reload with the same weights and edge colours', async ({ page, problems }) => {
    test.setTimeout(120_000);
    await openApp(page);
    await trainXorBriefly(page);
    // The paused trainer's weights are on screen.
    await expect.poll(async () => Object.values(await edgeLooks(page)).every((e) => e.label !== 'w ?')).toBe(true);
    const before = await edgeLooks(page);
    const trainedStep = await step(page);
    await expect(page).toHaveTitle('• XOR — Netwright');

    const saved = await saveDownload(page, () => toolButton(page, 'Save').click());
    expect(saved.download.suggestedFilename()).toBe('XOR.netwright');
    await expect(page).toHaveTitle('XOR — Netwright');
    const file = JSON.parse(saved.text) as { format: string; edges: { source: string; target: string; weights?: number[] }[]; history?: { step: number[] } };
    expect(file.format).toBe('netwright');
    // Every weighted edge carries its trained weight, and the loss curve came along.
    expect(file.edges.filter((e) => e.weights !== undefined)).toHaveLength(12);
    expect(file.history?.step.length).toBeGreaterThan(0);
    expect(file.history!.step.at(-1)).toBeLessThanOrEqual(trainedStep);

    await clickEdge(page, 'h1', 'out');
    const weightField = inspector(page).getByRole('textbox', { name: 'Weight', exact: true });
    const h1out = file.edges.find((e) => e.source === 'h1' && e.target === 'out')?.weights?.[0];
    expect(h1out).toBeDefined();
    const shownBefore = await weightField.inputValue();

    await page.reload();
    await expect(page.getByRole('status')).toHaveText(/Trainer ready/, { timeout: 20_000 });
    // It was saved: nothing to recover.
    await expect(page.getByRole('dialog', { name: 'Recover unsaved work' })).toHaveCount(0);
    expect(await nodeIds(page)).toEqual([]);

    await openWithPicker(page, saved.path);
    // The file's training history comes back: the counter goes on from its last step (not from 0).
    await expect(page.getByTestId('live-step')).toHaveText(`step ${file.history!.step.at(-1)!.toLocaleString('en-US')}`, { timeout: 20_000 });
    await expect(page).toHaveTitle('XOR — Netwright');
    const after = await edgeLooks(page);
    expect(after).toEqual(before);
    await clickEdge(page, 'h1', 'out');
    await expect(weightField).toHaveValue(shownBefore);
    expect(Number(shownBefore)).toBeCloseTo(h1out!, 2);
    expect(problems.pageErrors).toEqual([]);
  });

  test('a bad file shows the parser message with its path and leaves the open document as it was', async ({ page, problems }) => {
    await openApp(page);
    await openTemplate(page, /^XOR/);
    const ids = await nodeIds(page);
    const looks = await edgeLooks(page);
    const spiral = TEMPLATES.find((t) => t.id === 'spiral')!.build();
    const dense = spiral.nodes.findIndex((n) => n.type === 'dense');
    expect(dense).toBeGreaterThanOrEqual(0);
    const broken = JSON.parse(JSON.stringify(spiral)) as { nodes: Record<string, unknown>[] };
    broken.nodes[dense]!.units = 0;
    const path = join(tmpdir(), `nw-files-bad-${Date.now()}.netwright`);
    await writeFile(path, JSON.stringify(broken, null, 2));

    await openWithPicker(page, path, 'Don’t save');
    const notice = page.getByTestId('notice');
    await expect(notice).toContainText(`nodes[${dense}].units`);
    await expect(notice).toContainText('Could not open');
    expect(await nodeIds(page)).toEqual(ids);
    expect(await edgeLooks(page)).toEqual(looks);
    await expect(page).toHaveTitle('• XOR — Netwright');

    // Not JSON at all: refused with the JSON reader's words, still the same document.
    await writeFile(path, '{ "format": "netwright", ');
    await openWithPicker(page, path, 'Don’t save');
    await expect(notice).toContainText('not valid JSON');
    expect(await nodeIds(page)).toEqual(ids);
    expect(problems.pageErrors).toEqual([]);
  });

  test('unsaved work survives a reload: the recovery copy is offered and restores the document', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /^XOR/);
    const ids = await nodeIds(page);
    await expect(page).toHaveTitle('• XOR — Netwright');
    await expect.poll(() => recoveryCopy(page), { timeout: 10_000 }).toContain('"XOR"');

    await page.reload();
    const offer = page.getByRole('dialog', { name: 'Recover unsaved work' });
    await expect(offer).toBeVisible({ timeout: 20_000 });
    await expect(offer).toContainText('XOR');
    await expect(offer).toContainText('8 nodes');
    await page.screenshot({ path: `${SCREENS}/files-recovery.png` });
    await offer.getByRole('button', { name: 'Recover' }).click();
    await expect(offer).toHaveCount(0);
    await expect.poll(() => nodeIds(page)).toEqual(ids);
    await expect(page).toHaveTitle('• XOR — Netwright');

    // Declined, it is gone for good.
    await page.reload();
    await expect(offer).toBeVisible({ timeout: 20_000 });
    await offer.getByRole('button', { name: 'Discard it' }).click();
    await expect(offer).toHaveCount(0);
    expect(await nodeIds(page)).toEqual([]);
    await expect.poll(() => recoveryCopy(page)).toBeNull();
    await page.reload();
    await expect(page.getByRole('status')).toHaveText(/Trainer ready/, { timeout: 20_000 });
    await expect(offer).toHaveCount(0);
  });

  test('New or a template with unsaved changes asks first: Cancel keeps the network, Don\'t save clears it, Save downloads it', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /^XOR/);
    const ids = await nodeIds(page);
    const ask = page.getByRole('dialog', { name: 'Unsaved changes' });

    await toolButton(page, 'New').click();
    await expect(ask).toContainText('Save changes to “XOR”?');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(await nodeIds(page)).toEqual(ids);

    const saved = await saveDownload(page, async () => {
      await page.keyboard.press('Control+n');
      await ask.getByRole('button', { name: 'Save', exact: true }).click();
    });
    expect(saved.download.suggestedFilename()).toBe('XOR.netwright');
    await expect.poll(() => nodeIds(page)).toEqual([]);
    await expect(page).toHaveTitle('Untitled — Netwright');

    await openTemplate(page, /^XOR/);
    // A template replaces the network too: it asks first.
    const xorIds = await nodeIds(page);
    await openTemplate(page, /Worked example/);
    await expect(ask).toBeVisible();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(await nodeIds(page)).toEqual(xorIds);

    await page.keyboard.press('Control+n');
    await ask.getByRole('button', { name: 'Don’t save' }).click();
    await expect.poll(() => nodeIds(page)).toEqual([]);
  });

  test('Save as asks for a name; Ctrl+S then saves under it; a dropped file opens', async ({ page, problems }) => {
    await openApp(page);
    await openTemplate(page, /^XOR/);
    const named = await saveDownload(page, async () => {
      await page.keyboard.press('Control+Shift+S');
      const dialog = page.getByRole('dialog', { name: 'Save as' });
      await dialog.getByRole('textbox', { name: 'File name' }).fill('my xor');
      await dialog.getByRole('button', { name: 'Save' }).click();
    });
    expect(named.download.suggestedFilename()).toBe('my xor.netwright');
    await expect(page).toHaveTitle('my xor — Netwright');
    const again = await saveDownload(page, () => page.keyboard.press('Control+s'));
    expect(again.download.suggestedFilename()).toBe('my xor.netwright');
    expect(again.text).toBe(named.text);

    // Drop the worked example on the window.
    const worked = await readFile(join(process.cwd(), 'examples/worked-example.netwright'), 'utf8');
    await page.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'worked-example.netwright', { type: 'application/json' }));
      const target = document.querySelector('.react-flow') ?? document.body;
      target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: transfer }));
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }, worked);
    await expect(page).toHaveTitle('worked-example — Netwright');
    const workedDoc = JSON.parse(worked) as { nodes: { id: string }[] };
    await expect.poll(async () => (await nodeIds(page)).sort()).toEqual(workedDoc.nodes.map((n) => n.id).sort());
    expect(problems.pageErrors).toEqual([]);
  });

  test('Ctrl+S while typing in the inspector saves what is typed, not the value before', async ({ page, problems }) => {
    await openApp(page);
    await openTemplate(page, /Worked example/);
    await selectNode(page, 'h1');
    // Typed, not yet committed with Enter or by leaving the field.
    await inspector(page).getByRole('textbox', { name: 'Name' }).fill('hidden one');
    const saved = await saveDownload(page, () => page.keyboard.press('Control+s'));
    const doc = JSON.parse(saved.text) as { nodes: { id: string; name: string }[] };
    expect(doc.nodes.find((n) => n.id === 'h1')?.name).toBe('hidden one');
    await expect(page).toHaveTitle(/^worked-example|^Worked example/);
    await expect(page).not.toHaveTitle(/^•/);
    expect(problems.pageErrors).toEqual([]);
  });

  test('the Export menu writes ONNX, weights as JSON and CSV, and the graph as SVG and PNG', async ({ page, problems }) => {
    await openApp(page);
    await openTemplate(page, /Worked example/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const names = TEMPLATES.find((t) => t.id === 'worked-example')!.build().nodes.map((n) => n.name);
    expect(names.length).toBe(6);
    const exportVia = async (item: RegExp) => saveDownload(page, async () => {
      await toolButton(page, 'Export').click();
      await page.getByRole('menu', { name: 'Export' }).getByRole('menuitem', { name: item }).click();
    });

    await toolButton(page, 'Export').click();
    await expect(page.getByRole('menu', { name: 'Export' })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/files-export-menu.png` });
    await page.keyboard.press('Escape');
    await expect(page.getByRole('menu', { name: 'Export' })).toHaveCount(0);

    const csv = await exportVia(/CSV/);
    expect(csv.download.suggestedFilename()).toMatch(/\.csv$/);
    const rows = csv.text.trim().split(/\r?\n/);
    expect(rows[0]).toBe('from,to,value');
    // 2→2→1: six weights and three biases, the textbook's numbers.
    expect(rows).toHaveLength(10);
    for (const value of ['0.5', '-0.3', '0.2', '0.4', '1', '-1', '0.3', '-0.1']) expect(rows.some((r) => r.endsWith(`,${value}`))).toBe(true);

    const json = await exportVia(/JSON/);
    const weights = JSON.parse(json.text) as { rows: unknown[]; edges: unknown[] };
    expect(weights.rows).toHaveLength(9);

    const onnx = await exportVia(/ONNX/);
    expect(onnx.download.suggestedFilename()).toMatch(/\.onnx$/);
    const model = decodeModel(new Uint8Array(await readFile(onnx.path)));
    expect(model.graph.nodes.map((n) => n.opType)).toContain('Sigmoid');
    // The six weights and three biases travel as float initializers.
    const floats = model.graph.initializers.flatMap((t) => [...(t.floats ?? [])]).sort((a, b) => a - b);
    expect(floats).toEqual([-1, -0.3, -0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 1].map(Math.fround));

    const svg = await exportVia(/SVG/);
    expect(svg.download.suggestedFilename()).toMatch(/\.svg$/);
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''),
        paths: doc.querySelectorAll('path[data-edge-id]').length,
        nodes: doc.querySelectorAll('g[data-node-id]').length,
      };
    }, svg.text);
    expect(parsed.error).toBeNull();
    for (const name of names) expect(parsed.texts).toContain(name);
    expect(parsed.nodes).toBe(names.length);
    expect(parsed.paths).toBeGreaterThanOrEqual(6);

    const png = await exportVia(/PNG/);
    const bytes = await readFile(png.path);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(5_000);
    // Its size is that of the SVG at 2× (IHDR width and height, big-endian).
    const svgSize = svg.text.match(/width="([\d.]+)" height="([\d.]+)"/)!;
    expect(bytes.readUInt32BE(16)).toBe(Math.ceil(Number(svgSize[1]) * 2));
    expect(bytes.readUInt32BE(20)).toBe(Math.ceil(Number(svgSize[2]) * 2));
    expect(problems.pageErrors).toEqual([]);
  });
});
