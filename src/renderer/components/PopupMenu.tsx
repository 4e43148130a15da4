/**
 * A toolbar button's menu: drawn in a portal on the body, fixed under its button (the toolbar scrolls sideways and
 * clips what leaves it, so the menu is seen whole, on top, and focusing it never scrolls the toolbar); kept there when
 * the window changes size; a click anywhere else, or Escape, closes it (the button toggles it itself). The Templates,
 * Export and Learn menus.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

export interface PopupMenuProps {
  open: boolean;
  onClose(): void;
  /** The button the menu hangs under. */
  anchor(): Element | null | undefined;
  label: string;
  className: string;
  /** The menu's width (px), to keep it inside the window; without it, it starts at the button's left edge. */
  width?: number;
  children: ReactNode;
}

export function PopupMenu({ open, onClose, anchor, label, className, width, children }: PopupMenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  const [at, setAt] = useState<{ left: number; top: number } | null>(null);
  // The latest callbacks, so the listeners below are set up once per opening.
  const latest = useRef({ onClose, anchor });
  latest.current = { onClose, anchor };

  useLayoutEffect(() => {
    if (!open) return;
    const place = () => {
      const r = latest.current.anchor()?.getBoundingClientRect();
      if (!r) return;
      const left = width === undefined ? r.left : Math.max(8, Math.min(r.left, window.innerWidth - width - 8));
      setAt({ left, top: r.bottom + 8 });
    };
    place();
    window.addEventListener('resize', place);
    return () => window.removeEventListener('resize', place);
  }, [open, width]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target;
      if (target instanceof Node && (menu.current?.contains(target) || latest.current.anchor()?.contains(target))) return;
      latest.current.onClose();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') latest.current.onClose();
    };
    // Capture: a click on the canvas closes the menu even where the canvas keeps the event to itself.
    window.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (!open) return null;
  return createPortal(
    <div className={className} role="menu" aria-label={label} ref={menu} style={at ? { left: at.left, top: at.top } : { visibility: 'hidden' }}>
      {children}
    </div>,
    document.body,
  );
}
