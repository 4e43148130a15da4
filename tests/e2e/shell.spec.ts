import { expect, openApp, test } from './fixtures';

test.describe('the main window in the browser build', () => {
  test('shows the toolbar, palette, canvas with grid, controls and minimap, inspector and a ready trainer', async ({ page, problems }) => {
    await openApp(page);
    await expect(page).toHaveTitle('Untitled — Netwright');

    const toolbar = page.getByRole('toolbar', { name: 'Main toolbar' });
    // Nothing to train on the empty start document: the training buttons are there but disabled.
    for (const name of ['Undo', 'Redo', 'Play', 'Step', 'Step epoch', 'Reset']) {
      await expect(toolbar.getByRole('button', { name, exact: true })).toBeDisabled();
    }
    for (const name of ['New', 'Open', 'Save', 'Save as', 'Export', 'Templates', 'Auto-layout', 'Fit view']) {
      await expect(toolbar.getByRole('button', { name, exact: true })).toBeEnabled();
    }
    await expect(toolbar.getByRole('textbox', { name: 'Learning rate' })).toBeVisible();
    await expect(toolbar.getByRole('combobox', { name: 'Optimizer' })).toBeVisible();
    await expect(toolbar.getByRole('button', { name: /Switch to (dark|light) theme/ })).toBeEnabled();

    const palette = page.getByRole('complementary', { name: 'Node palette' });
    for (const label of ['Input', 'Neuron', 'Dense layer', 'Activation', 'Dropout', 'Add', 'Concat', 'Output']) {
      await expect(palette.getByText(label, { exact: true })).toBeVisible();
    }

    const canvas = page.getByRole('main', { name: 'Network canvas' });
    await expect(canvas.locator('.react-flow__background')).toBeVisible();
    await expect(canvas.locator('.react-flow__background pattern')).toHaveCount(1);
    await expect(canvas.locator('.react-flow__controls')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Zoom In' })).toBeVisible();
    await expect(canvas.locator('.react-flow__minimap')).toBeVisible();

    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await expect(inspector.getByText('Nothing selected')).toBeVisible();

    expect(problems.consoleErrors).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(await problems.cspViolations()).toEqual([]);
  });

  test('the file buttons are live and name their shortcut in the tooltip', async ({ page }) => {
    await openApp(page);
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await expect(save).toBeEnabled();
    await expect(save.locator('xpath=..')).toHaveAttribute('title', 'Save (Ctrl+S)');
    await expect(page.getByRole('button', { name: 'Open', exact: true }).locator('xpath=..')).toHaveAttribute('title', 'Open (Ctrl+O)');
  });

  test('the page cannot reach Node: no require, no process', async ({ page }) => {
    await openApp(page);
    const globals = await page.evaluate(() => ({ require: typeof (globalThis as { require?: unknown }).require, process: typeof (globalThis as { process?: unknown }).process }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined' });
  });

  test('the Content-Security-Policy is enforced: an injected inline script does not run', async ({ page, problems }) => {
    await openApp(page);
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineScriptRan = true';
      document.head.append(script);
      return (window as { __inlineScriptRan?: boolean }).__inlineScriptRan === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => problems.cspViolations()).toEqual(['script-src-elem: inline']);
  });

  test('the theme toggle switches between light and dark and remembers the choice', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await openApp(page);
    const html = page.locator('html');
    await expect(html).toHaveAttribute('data-theme', 'light');
    const lightBackground = await page.locator('.toolbar').evaluate((el) => getComputedStyle(el).backgroundColor);

    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    const darkBackground = await page.locator('.toolbar').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(darkBackground).not.toBe(lightBackground);
    await expect(page.locator('.react-flow')).toHaveClass(/\bdark\b/);

    await page.reload();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await expect(html).toHaveAttribute('data-theme', 'light');
  });

  test('with no stored choice the theme follows the system preference', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openApp(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  });
});
