import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { App } from '../../../src/renderer/App';
import { NODE_TYPES } from '../../../src/core/nodes';
import { PALETTE_DRAG_MIME, PALETTE_ITEMS, readPaletteDrop } from '../../../src/renderer/palette/items';
import { createTrainerStore } from '../../../src/renderer/state/trainer';
import { PROTOCOL_VERSION } from '../../../src/shared/protocol';
import { inMemoryTransport } from '../helpers/transport';

function renderApp(options: Parameters<typeof inMemoryTransport>[0] = {}) {
  const fake = inMemoryTransport(options);
  const store = createTrainerStore(fake.transport);
  const view = render(<App trainer={store} />);
  return { fake, store, view };
}

/** A DataTransfer good enough for drag events in jsdom. */
function dataTransfer() {
  const data = new Map<string, string>();
  return {
    data,
    effectAllowed: 'none',
    dropEffect: 'none',
    get types() {
      return [...data.keys()];
    },
    setData: (type: string, value: string) => void data.set(type, value),
    getData: (type: string) => data.get(type) ?? '',
  };
}

describe('the app shell', () => {
  it('shows a toolbar whose unbuilt features are disabled and say "coming soon"', async () => {
    renderApp();
    const toolbar = screen.getByRole('toolbar', { name: 'Main toolbar' });
    for (const name of ['New', 'Open', 'Save', 'Save as', 'Export', 'Templates', 'Auto-layout', 'Fit view']) {
      expect(within(toolbar).getByRole('button', { name })).toHaveProperty('disabled', false);
    }
    // Undo and Redo work but have nothing to do yet: disabled, without "coming soon".
    for (const name of ['Undo', 'Redo']) {
      const button = within(toolbar).getByRole('button', { name });
      expect(button).toHaveProperty('disabled', true);
      expect(button.parentElement?.getAttribute('title')).not.toMatch(/coming soon/);
    }
    // Training controls are live but have nothing to train on an empty document: disabled, without "coming soon".
    for (const name of ['Play', 'Step', 'Step epoch', 'Reset']) {
      const button = within(toolbar).getByRole('button', { name });
      expect(button).toHaveProperty('disabled', true);
      expect(button.parentElement?.getAttribute('title')).not.toMatch(/coming soon/);
    }
    const lr = within(toolbar).getByRole('textbox', { name: 'Learning rate' });
    expect(lr).toHaveProperty('disabled', false);
    expect(within(toolbar).getByRole('combobox', { name: 'Optimizer' })).toHaveProperty('disabled', false);
    await screen.findByText(`Trainer ready · protocol v${PROTOCOL_VERSION}`);
  });

  it('lists every node type in the palette as a draggable item carrying its type', async () => {
    renderApp();
    const palette = screen.getByRole('complementary', { name: 'Node palette' });
    const labels = ['Input', 'Neuron', 'Dense layer', 'Activation', 'Dropout', 'Add', 'Concat', 'Output'];
    for (const label of labels) {
      const item = within(palette).getByText(label).closest('li');
      expect(item?.getAttribute('draggable')).toBe('true');
    }
    const dense = within(palette).getByText('Dense layer').closest('li')!;
    const transfer = dataTransfer();
    fireEvent.dragStart(dense, { dataTransfer: transfer });
    expect(transfer.data.get(PALETTE_DRAG_MIME)).toBe('dense');
    expect(readPaletteDrop(transfer as unknown as DataTransfer)).toBe('dense');
    await screen.findByText(/Trainer ready/);
  });

  it('shows an empty inspector with a hint, and a canvas with controls and a minimap', async () => {
    const { view } = renderApp();
    const inspector = screen.getByRole('complementary', { name: 'Inspector' });
    expect(within(inspector).getByText('Nothing selected')).toBeTruthy();
    expect(within(inspector).getByText(/Select a node or an edge/)).toBeTruthy();
    const canvas = screen.getByRole('main', { name: 'Network canvas' });
    expect(canvas.querySelector('.react-flow__background')).not.toBeNull();
    expect(canvas.querySelector('.react-flow__controls')).not.toBeNull();
    expect(canvas.querySelector('.react-flow__minimap')).not.toBeNull();
    expect(view.container.querySelector('.statusbar')?.textContent).not.toMatch(/parameters/);
    await screen.findByText(/Trainer ready/);
  });

  it('says "Connecting" until the trainer answers, then "Trainer ready · protocol v1"', async () => {
    renderApp();
    expect(screen.getByRole('status').textContent).toBe('Connecting to trainer…');
    await screen.findByText(`Trainer ready · protocol v${PROTOCOL_VERSION}`);
  });

  it('shows a banner when the trainer dies, and Restart brings it back', async () => {
    const { fake } = renderApp();
    await screen.findByText(/Trainer ready/);
    expect(screen.queryByRole('alert')).toBeNull();

    act(() => fake.trainers[0]!.die('uncaught error in the trainer: out of memory'));
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toContain('The trainer stopped.');
    expect(banner.textContent).toContain('Uncaught error in the trainer: out of memory');
    expect(screen.getByRole('status').textContent).toBe('Trainer stopped');

    fireEvent.click(within(banner).getByRole('button', { name: 'Restart' }));
    await screen.findByText(/Trainer ready/);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(fake.restarts).toBe(1);
  });

  it('"Restart trainer" in the status bar starts a fresh trainer', async () => {
    const { fake } = renderApp();
    await screen.findByText(/Trainer ready/);
    fireEvent.click(screen.getByRole('button', { name: 'Restart trainer' }));
    await screen.findByText(/Trainer ready/);
    expect(fake.trainers).toHaveLength(2);
    expect(fake.trainers[0]!.closed).toBe(true);
  });

  it('the theme toggle switches <html> between light and dark', async () => {
    renderApp();
    const html = document.documentElement;
    const before = html.dataset.theme;
    expect(before === 'light' || before === 'dark').toBe(true);
    const after = before === 'light' ? 'dark' : 'light';
    fireEvent.click(screen.getByRole('button', { name: `Switch to ${after} theme` }));
    expect(html.dataset.theme).toBe(after);
    expect(screen.getByRole('button', { name: `Switch to ${before} theme` })).toBeTruthy();
    await screen.findByText(/Trainer ready/);
  });

  it('lets go of the trainer when the window unmounts', async () => {
    const { fake, view } = renderApp();
    await screen.findByText(/Trainer ready/);
    view.unmount();
    expect(fake.trainers.every((t) => t.closed)).toBe(true);
  });
});

describe('the palette', () => {
  it('offers every node type of the document format exactly once', () => {
    expect(PALETTE_ITEMS.map((item) => item.type).sort()).toEqual(Object.keys(NODE_TYPES).sort());
  });
});
