/** Every node kind from the palette onto the canvas, as a user would; and a LayerNorm put into a trained-style net. */
import { join } from 'node:path';
import { KIND_LIST } from '../../src/core/kinds';
import { expect, openApp, test } from './fixtures';
import { canvas, dragFromPalette, edgeBetween, inspector, node, nodeIds, openTemplate, selectNode, settledBox, startEmpty } from './editor';

test('every kind in the table can be dragged from the palette and shows its inspector', async ({ page }) => {
  await openApp(page);
  await startEmpty(page);
  for (const [k, kind] of KIND_LIST.entries()) {
    const id = await dragFromPalette(page, kind.label, { x: 60 + (k % 5) * 150, y: 60 + Math.floor(k / 5) * 110 });
    await selectNode(page, id);
    await expect(inspector(page)).toContainText(kind.label);
  }
});

test('a LayerNorm dropped onto a connection takes its size and shows epsilon', async ({ page }, testInfo) => {
  await openApp(page);
  await openTemplate(page, /Spiral/);
  const id = await edgeBetween(page, 'hidden1', 'hidden2').getAttribute('data-id');
  const label = await settledBox(page, canvas(page).locator(`.nw-edge-label[data-edge-id="${id}"]`));
  const box = (await canvas(page).boundingBox())!;
  const before = await nodeIds(page);
  const item = page.getByRole('complementary', { name: 'Node palette' }).getByText('LayerNorm', { exact: true });
  await item.dragTo(canvas(page), { targetPosition: { x: label.x - box.x + label.width / 2, y: label.y - box.y + label.height / 2 } });
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
  const norm = (await nodeIds(page)).find((n) => !before.includes(n))!;
  await expect(edgeBetween(page, 'hidden1', norm)).toHaveCount(1);
  await expect(node(page, norm)).toContainText('8');
  await selectNode(page, norm);
  await expect(inspector(page).getByRole('textbox', { name: 'Epsilon' })).toBeVisible();
  await page.screenshot({ path: join(process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir, 'layernorm-inserted.png') });
});
