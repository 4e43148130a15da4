import { describe, expect, it, vi } from 'vitest';
import { createEvent, fireEvent, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from '../../../src/renderer/components/Canvas';
import { PALETTE_DRAG_MIME } from '../../../src/renderer/palette/items';

function transferOf(entries: Record<string, string>) {
  return {
    types: Object.keys(entries),
    getData: (type: string) => entries[type] ?? '',
    dropEffect: 'none',
  };
}

function renderCanvas(onDropNodeType?: (type: string, position: { x: number; y: number }) => void) {
  render(
    <ReactFlowProvider>
      <Canvas nodes={[]} edges={[]} onDropNodeType={onDropNodeType} />
    </ReactFlowProvider>,
  );
  return screen.getByRole('main', { name: 'Network canvas' });
}

function dragOver(target: Element, dataTransfer: object) {
  const event = createEvent.dragOver(target, { dataTransfer });
  fireEvent(target, event);
  return event.defaultPrevented;
}

describe('the canvas as a drop target for palette items', () => {
  it('accepts a palette item and hands its node type and flow position to the editor', () => {
    const onDrop = vi.fn();
    const canvas = renderCanvas(onDrop);
    const transfer = transferOf({ [PALETTE_DRAG_MIME]: 'neuron' });
    expect(dragOver(canvas, transfer)).toBe(true);
    fireEvent.drop(canvas, { dataTransfer: transfer, clientX: 120, clientY: 80 });
    expect(onDrop).toHaveBeenCalledTimes(1);
    // jsdom has no layout, so the flow position itself is only checkable in a real browser; here, its shape.
    const [type, position] = onDrop.mock.calls[0]!;
    expect(type).toBe('neuron');
    expect(Object.keys(position).sort()).toEqual(['x', 'y']);
  });

  it('refuses drags that are not palette items, and drops of unknown node types', () => {
    const onDrop = vi.fn();
    const canvas = renderCanvas(onDrop);
    expect(dragOver(canvas, transferOf({ 'text/plain': 'neuron' }))).toBe(false);
    fireEvent.drop(canvas, { dataTransfer: transferOf({ [PALETTE_DRAG_MIME]: 'conv9d' }) });
    expect(onDrop).not.toHaveBeenCalled();
  });

  it('refuses every drop while no editor handles them', () => {
    const canvas = renderCanvas();
    expect(dragOver(canvas, transferOf({ [PALETTE_DRAG_MIME]: 'dense' }))).toBe(false);
  });
});
