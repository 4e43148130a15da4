/** Every keyboard shortcut, from the same list the keyboard handler uses. */
import { X } from 'lucide-react';
import { useEditor, useView } from './context';
import { SHORTCUTS, type Shortcut } from './shortcuts';

const GROUPS: Shortcut['group'][] = ['File', 'Edit', 'Add & connect', 'Network', 'View'];

export function HelpOverlay() {
  const open = useView((s) => s.helpOpen);
  const { actions } = useEditor();
  if (!open) return null;
  return (
    <div className="overlay-backdrop" onPointerDown={(e) => { if (e.target === e.currentTarget) actions.toggleHelp(); }}>
      <section className="help" role="dialog" aria-label="Keyboard shortcuts">
        <header className="help-head">
          <h2>Keyboard shortcuts</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={actions.toggleHelp}><X size={16} aria-hidden /></button>
        </header>
        <div className="help-groups">
          {GROUPS.map((group) => (
            <div key={group} className="help-group">
              <h3>{group}</h3>
              <dl>
                {SHORTCUTS.filter((s) => s.group === group).map((s) => (
                  <div key={s.id} className="help-row">
                    <dt>{s.keys.map((k, i) => <span key={k}>{i > 0 && ' or '}<kbd>{k}</kbd></span>)}</dt>
                    <dd>{s.description}</dd>
                  </div>
                ))}
              </dl>
            </div>
          ))}
          <div className="help-group">
            <h3>Mouse</h3>
            <dl>
              <div className="help-row"><dt>Drag</dt><dd>Pan the canvas, or move a node</dd></div>
              <div className="help-row"><dt><kbd>Shift</kbd>+drag</dt><dd>Box-select</dd></div>
              <div className="help-row"><dt>Scroll</dt><dd>Zoom</dd></div>
              <div className="help-row"><dt>Handle → handle</dt><dd>Connect an output to an input</dd></div>
              <div className="help-row"><dt>Drop on an edge</dt><dd>Insert the node into that connection</dd></div>
              <div className="help-row"><dt><kbd>←</kbd> <kbd>→</kbd> <kbd>↑</kbd> <kbd>↓</kbd></dt><dd>Nudge the selected nodes one grid step</dd></div>
            </dl>
          </div>
        </div>
      </section>
    </div>
  );
}
