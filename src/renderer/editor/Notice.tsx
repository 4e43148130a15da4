/** The last refusal or message, at the bottom of the canvas, until the next edit or a few seconds pass. */
import { useEffect, useState } from 'react';
import { X } from 'lucide-react';
import { useEditor, useView } from './context';

const SHOW_MS = 6000;

export function Notice() {
  const notice = useView((s) => s.notice);
  const { view } = useEditor();
  const [hiddenSeq, setHiddenSeq] = useState(-1);
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setHiddenSeq(notice.seq), SHOW_MS);
    return () => window.clearTimeout(timer);
  }, [notice]);
  if (!notice || notice.seq === hiddenSeq) return null;
  return (
    <div className={`notice ${notice.kind}`} role={notice.kind === 'refused' ? 'alert' : 'note'} data-testid="notice">
      <span>{notice.text}</span>
      <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => view.setState({ notice: null })}>
        <X size={14} aria-hidden />
      </button>
    </div>
  );
}
