/**
 * Lesson text: **bold** and inline math between $…$. Math is typeset with plain Unicode (no TeX engine): `_x` and
 * `_{xy}` as subscripts, `^x` and `^{xy}` as superscripts, and a few commands (\cdot, \sigma, \partial, …) as symbols.
 */
import type { ReactNode } from 'react';

const SYMBOLS: Record<string, string> = {
  cdot: '·', times: '×', sigma: 'σ', partial: '∂', eta: 'η', approx: '≈', leftarrow: '←', to: '→', ge: '≥', le: '≤',
  max: 'max', min: 'min', sum: 'Σ', alpha: 'α', beta: 'β', lambda: 'λ', Delta: 'Δ', infty: '∞', pm: '±', neq: '≠',
};

/** One $…$ span as React nodes. */
function renderMath(src: string): ReactNode[] {
  const out: ReactNode[] = [];
  let i = 0;
  let plain = '';
  const flush = () => {
    if (plain) out.push(plain);
    plain = '';
  };
  const group = (): string => {
    if (src[i] === '{') {
      const end = src.indexOf('}', i);
      const g = src.slice(i + 1, end < 0 ? src.length : end);
      i = end < 0 ? src.length : end + 1;
      return g;
    }
    const c = src[i] ?? '';
    i++;
    return c;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const m = /^\\([A-Za-z]+)/.exec(src.slice(i));
      if (m) {
        plain += SYMBOLS[m[1]!] ?? m[1];
        i += m[0].length;
        continue;
      }
    }
    if (c === '_' || c === '^') {
      flush();
      i++;
      const g = group().replace(/\\([A-Za-z]+)/g, (_, name: string) => SYMBOLS[name] ?? name);
      out.push(c === '_' ? <sub key={out.length}>{g}</sub> : <sup key={out.length}>{g}</sup>);
      continue;
    }
    plain += c === '-' ? '−' : c;
    i++;
  }
  flush();
  return out;
}

/** Text with **bold** and $math$. */
export function LessonText({ text }: { text: string }) {
  const parts = text.split(/(\$[^$]+\$|\*\*[^*]+\*\*)/g);
  return (
    <>
      {parts.map((p, k) => {
        if (p.startsWith('$') && p.endsWith('$') && p.length > 1) return <span key={k} className="lesson-math">{renderMath(p.slice(1, -1))}</span>;
        if (p.startsWith('**') && p.endsWith('**')) return <strong key={k}>{p.slice(2, -2)}</strong>;
        return p;
      })}
    </>
  );
}
