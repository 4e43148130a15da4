/** The window's page crashing or hanging: reload (with the autosave set aside for recovery), wait, or close. */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { goneQuestion, HANG_QUESTION, watchRenderer } from '../../src/main/renderer-health';

function fakeWindow() {
  const contents = Object.assign(new EventEmitter(), { reload: vi.fn(), forcefullyCrashRenderer: vi.fn() });
  return { isDestroyed: vi.fn(() => false), close: vi.fn(), webContents: contents };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('render-process-gone and unresponsive', () => {
  it('a crashed page: asks, sets the autosave aside, then reloads', async () => {
    const window = fakeWindow();
    const order: string[] = [];
    const dialog = { showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })) };
    window.webContents.reload.mockImplementation(() => void order.push('reload'));
    watchRenderer({ window, dialog: dialog as never, keepAutosave: async () => void order.push('keep') });
    window.webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 9 });
    await settle();
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ message: 'The Netwright window ran out of memory.', buttons: ['Reload', 'Close window'] }));
    expect(order).toEqual(['keep', 'reload']);
  });

  it('a crashed page: "Close window" closes it; a clean exit asks nothing', async () => {
    const window = fakeWindow();
    const dialog = { showMessageBox: vi.fn(async () => ({ response: 1, checkboxChecked: false })) };
    watchRenderer({ window, dialog: dialog as never, keepAutosave: async () => undefined });
    window.webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    await settle();
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    window.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 11 });
    await settle();
    expect(window.close).toHaveBeenCalledTimes(1);
    expect(window.webContents.reload).not.toHaveBeenCalled();
    expect(goneQuestion({ reason: 'something-new' })?.message).toBe('The Netwright window stopped (something-new).');
  });

  it('a hung page: "Wait" waits; "Reload" stops the hung page and reloads it with the autosave kept', async () => {
    const window = fakeWindow();
    const answers = [0, 1];
    const dialog = { showMessageBox: vi.fn(async () => ({ response: answers.shift()!, checkboxChecked: false })) };
    const keep = vi.fn(async () => undefined);
    watchRenderer({ window, dialog: dialog as never, keepAutosave: keep });
    window.webContents.emit('unresponsive');
    await settle();
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ message: HANG_QUESTION.message, buttons: ['Wait', 'Reload'] }));
    expect(window.webContents.reload).not.toHaveBeenCalled();
    window.webContents.emit('unresponsive');
    await settle();
    expect(keep).toHaveBeenCalledTimes(1);
    expect(window.webContents.forcefullyCrashRenderer).toHaveBeenCalledTimes(1);
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
  });

  it('a page that recovers while the question is open is not reloaded', async () => {
    const window = fakeWindow();
    let answer!: (v: { response: number }) => void;
    const dialog = { showMessageBox: vi.fn(() => new Promise<{ response: number }>((r) => (answer = r))) };
    watchRenderer({ window, dialog: dialog as never, keepAutosave: async () => undefined });
    window.webContents.emit('unresponsive');
    window.webContents.emit('responsive');
    answer({ response: 1 });
    await settle();
    expect(window.webContents.reload).not.toHaveBeenCalled();
  });
});
