/**
 * A user's hands on the editor: real mouse drags from the palette and between handles, typing in the inspector.
 * Nodes are found by their id (React Flow's data-id), which the editor gives as type prefix + counter (x1, n3, dense4…).
 */
import { expect, type Locator, type Page } from '@playwright/test';

export function canvas(page: Page): Locator {
  return page.getByRole('main', { name: 'Network canvas' });
}

export function inspector(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Inspector' });
}

export function node(page: Page, id: string): Locator {
  return canvas(page).locator(`.react-flow__node[data-id="${id}"]`);
}

/**
 * The size of the canvas a user can see and drop onto, measured from the canvas's top-left corner: other panels
 * (the training dock) may cover the bottom of the canvas element, so this walks down its left side until something
 * else is on top.
 */
export async function visibleCanvasSize(page: Page): Promise<{ width: number; height: number }> {
  return canvas(page).evaluate((main) => {
    const box = main.getBoundingClientRect();
    const x = box.x + box.width * 0.3;
    let y = box.y + 4;
    while (y < box.bottom && main.contains(document.elementFromPoint(x, y))) y += 4;
    return { width: box.width, height: y - box.y };
  });
}

/** Start from the empty canvas (dismiss the start screen). */
export async function startEmpty(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Empty canvas' }).click();
  await expect(page.getByRole('region', { name: 'Start' })).toHaveCount(0);
}

export async function openTemplate(page: Page, title: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Templates', exact: true }).click();
  await page.getByRole('menuitem', { name: title }).click();
}

/** Drag a palette item onto the canvas, `at` pixels from the canvas's top-left corner. Returns the new node's id. */
export async function dragFromPalette(page: Page, label: string, at: { x: number; y: number }): Promise<string> {
  const before = await nodeIds(page);
  const item = page.getByRole('complementary', { name: 'Node palette' }).getByText(label, { exact: true });
  await item.dragTo(canvas(page), { targetPosition: at });
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
  const after = await nodeIds(page);
  return after.find((id) => !before.includes(id))!;
}

export async function nodeIds(page: Page): Promise<string[]> {
  return canvas(page).locator('.react-flow__node').evaluateAll((els) => els.map((el) => el.getAttribute('data-id') ?? ''));
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Press on `from`'s output handle, move to `to`'s input handle in steps, and hold there (not released). */
export async function dragConnectionOver(page: Page, from: string, to: string): Promise<void> {
  const start = await centre(node(page, from).locator('.react-flow__handle.source'));
  const end = await centre(node(page, to).locator('.react-flow__handle.target'));
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 5 });
  await page.mouse.move(end.x, end.y, { steps: 5 });
}

/** Drag from `from`'s output handle to `to`'s input handle and let go. */
export async function connectNodes(page: Page, from: string, to: string): Promise<void> {
  await dragConnectionOver(page, from, to);
  await page.mouse.up();
}

export function edgeBetween(page: Page, from: string, to: string): Locator {
  return canvas(page).locator(`.react-flow__edge[aria-label="Edge from ${from} to ${to}"]`);
}

/** Click an edge where its label sits (on the curve). */
export async function clickEdge(page: Page, from: string, to: string): Promise<void> {
  const id = await edgeBetween(page, from, to).getAttribute('data-id');
  const label = canvas(page).locator(`.nw-edge-label[data-edge-id="${id}"]`);
  const at = await centre(label);
  await page.mouse.click(at.x, at.y);
}

/** Type a value into an inspector field and press Enter. */
export async function setField(page: Page, label: string, value: string): Promise<void> {
  const field = inspector(page).getByRole('textbox', { name: label, exact: true });
  await field.fill(value);
  await field.press('Enter');
}

export async function selectNode(page: Page, id: string): Promise<void> {
  await node(page, id).click();
  await expect(node(page, id)).toHaveClass(/selected/);
}

/** Double-click the empty canvas at `at` (canvas pixels), type into the search box and press Enter. Returns the new id. */
export async function addBySearch(page: Page, query: string, at: { x: number; y: number }): Promise<string> {
  const before = await nodeIds(page);
  const box = (await canvas(page).boundingBox())!;
  await page.mouse.dblclick(box.x + at.x, box.y + at.y);
  const input = page.getByRole('combobox', { name: 'Node name' });
  await expect(input).toBeFocused();
  await input.pressSequentially(query);
  await input.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Add a node' })).toHaveCount(0);
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
  return (await nodeIds(page)).find((id) => !before.includes(id))!;
}

/**
 * The document's graph as the user can get it: select everything and copy; the clipboard holds the nodes and edges
 * (names, positions, fields, weights). Needs clipboard permission.
 */
export async function copiedGraph(page: Page): Promise<unknown> {
  await canvas(page).locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  const text = await page.evaluate(() => navigator.clipboard.readText());
  await page.keyboard.press('Escape');
  return JSON.parse(text);
}

export async function statusBar(page: Page): Promise<Locator> {
  return page.getByRole('contentinfo', { name: 'Status bar' });
}

/** A locator's box once it stops moving (the view fits itself to a freshly opened network once it is measured). */
export async function settledBox(page: Page, locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = await locator.boundingBox();
  await expect.poll(async () => {
    await page.waitForTimeout(120);
    const now = await locator.boundingBox();
    const same = !!now && !!last && Math.abs(now.x - last.x) < 0.5 && Math.abs(now.y - last.y) < 0.5;
    last = now;
    return same;
  }).toBe(true);
  return last!;
}
