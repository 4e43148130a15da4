/** Every keyboard shortcut of the editor: the keyboard handler and the help overlay both read this list. */
export interface Shortcut {
  id: ShortcutId;
  /** Keys as shown, e.g. "Ctrl+Z". */
  keys: string[];
  description: string;
  group: 'File' | 'Edit' | 'Add & connect' | 'View' | 'Network';
}

export type ShortcutId =
  | 'undo' | 'redo' | 'delete' | 'copy' | 'cut' | 'paste' | 'duplicate' | 'selectAll' | 'deselect'
  | 'search' | 'connect' | 'expand' | 'layout' | 'fit' | 'zoomIn' | 'zoomOut' | 'snap' | 'minimap' | 'help' | 'initialise'
  /** Handled by src/renderer/files (the browser build; the desktop menu has the same accelerators). */
  | 'newFile' | 'openFile' | 'saveFile' | 'saveFileAs';

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'newFile', keys: ['Ctrl+N'], description: 'New network', group: 'File' },
  { id: 'openFile', keys: ['Ctrl+O'], description: 'Open a network file (or drop one on the window)', group: 'File' },
  { id: 'saveFile', keys: ['Ctrl+S'], description: 'Save', group: 'File' },
  { id: 'saveFileAs', keys: ['Ctrl+Shift+S'], description: 'Save as…', group: 'File' },
  { id: 'undo', keys: ['Ctrl+Z'], description: 'Undo the last edit', group: 'Edit' },
  { id: 'redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], description: 'Redo', group: 'Edit' },
  { id: 'delete', keys: ['Delete', 'Backspace'], description: 'Delete the selection', group: 'Edit' },
  { id: 'copy', keys: ['Ctrl+C'], description: 'Copy the selected nodes', group: 'Edit' },
  { id: 'cut', keys: ['Ctrl+X'], description: 'Cut the selected nodes', group: 'Edit' },
  { id: 'paste', keys: ['Ctrl+V'], description: 'Paste nodes (also from another network)', group: 'Edit' },
  { id: 'duplicate', keys: ['Ctrl+D'], description: 'Duplicate the selected nodes', group: 'Edit' },
  { id: 'selectAll', keys: ['Ctrl+A'], description: 'Select everything', group: 'Edit' },
  { id: 'deselect', keys: ['Escape'], description: 'Clear the selection, close a panel', group: 'Edit' },
  { id: 'search', keys: ['/', 'Shift+A'], description: 'Add a node by name at the pointer (or double-click the canvas)', group: 'Add & connect' },
  { id: 'connect', keys: ['C'], description: 'Connect the selected node to another: type its name, Enter', group: 'Add & connect' },
  { id: 'expand', keys: ['E'], description: 'Expand a Dense layer into neurons / collapse neurons into a layer', group: 'Network' },
  { id: 'initialise', keys: ['I'], description: 'Initialise missing weights and biases', group: 'Network' },
  { id: 'layout', keys: ['L'], description: 'Auto-layout, left to right', group: 'View' },
  { id: 'fit', keys: ['F'], description: 'Fit the network in view', group: 'View' },
  { id: 'zoomIn', keys: ['+'], description: 'Zoom in', group: 'View' },
  { id: 'zoomOut', keys: ['-'], description: 'Zoom out', group: 'View' },
  { id: 'snap', keys: ['G'], description: 'Snap to grid on / off', group: 'View' },
  { id: 'minimap', keys: ['M'], description: 'Minimap on / off', group: 'View' },
  { id: 'help', keys: ['?'], description: 'Show this list', group: 'View' },
];

/** The shortcut a key event means, or null. */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): ShortcutId | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (event.altKey) return null;
  if (mod) {
    switch (key) {
      case 'z': return event.shiftKey ? 'redo' : 'undo';
      case 'y': return 'redo';
      case 'c': return 'copy';
      case 'x': return 'cut';
      case 'v': return 'paste';
      case 'd': return 'duplicate';
      case 'a': return 'selectAll';
      case 'n': return 'newFile';
      case 'o': return 'openFile';
      case 's': return event.shiftKey ? 'saveFileAs' : 'saveFile';
      default: return null;
    }
  }
  switch (key) {
    case 'Delete':
    case 'Backspace': return 'delete';
    case 'Escape': return 'deselect';
    case '/': return 'search';
    case 'a': return event.shiftKey ? 'search' : null;
    case '?': return 'help';
    case 'c': return 'connect';
    case 'e': return 'expand';
    case 'i': return 'initialise';
    case 'l': return 'layout';
    case 'f': return 'fit';
    case '+':
    case '=': return 'zoomIn';
    case '-': return 'zoomOut';
    case 'g': return 'snap';
    case 'm': return 'minimap';
    default: return null;
  }
}

const FILE_SHORTCUTS: ReadonlySet<ShortcutId> = new Set(['newFile', 'openFile', 'saveFile', 'saveFileAs']);

/**
 * Whether a shortcut is one of File's. The editor's keyboard handler leaves these alone: the browser build handles
 * them in src/renderer/files; in the desktop build the menu's accelerators must get them untouched.
 */
export function isFileShortcut(id: ShortcutId | null): boolean {
  return id !== null && FILE_SHORTCUTS.has(id);
}
